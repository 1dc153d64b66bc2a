package dev.cairn.git.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.git.GitFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookInstallerTest {

  record Received(String method, String path, String contentType, String body) {}

  @TempDir Path tmp;
  HttpServer server;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  Path repo;

  @BeforeEach
  void setUp() throws Exception {
    GitFixture.isolateFromUserConfig();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  body));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
    // A path a careless script would trip over: quotes, a command substitution, spaces, Unicode.
    repo = tmp.resolve("it's $(touch pwned) \"app\" é😀.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(repo.toFile()).call().close();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  int port() {
    return server.getAddress().getPort();
  }

  String expectedBody() {
    return "{\"repository\":\"" + repo.toAbsolutePath().toString().replace("\"", "\\\"") + "\"}";
  }

  /** Runs the hook as git does: with sh, from the repository, the pushed refs on stdin. */
  static int runHook(Path repo, Map<String, String> env, String stdin) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("/bin/sh", "hooks/post-receive")
            .directory(repo.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("hook finished").isTrue();
    return p.exitValue();
  }

  Received nextRequest() throws InterruptedException {
    Received r = received.poll(30, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the test server").isNotNull();
    return r;
  }

  static final String PUSH_LINE =
      "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111"
          + " refs/heads/main\n";

  @Test
  void theHookPostsWithCurl() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
    assertThat(new HookInstaller(port()).install(repo)).isEqualTo(HookInstaller.Outcome.INSTALLED);
    assertThat(Files.isExecutable(repo.resolve("hooks/post-receive"))).isTrue();

    assertThat(runHook(repo, Map.of(), PUSH_LINE)).isZero();

    Received r = nextRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/hooks/push");
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo(expectedBody());
    assertThat(tmp.resolve("pwned")).doesNotExist();
    assertThat(repo.resolve("pwned")).doesNotExist();
  }

  @Test
  void withoutCurlTheHookPostsThroughBash() throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "bash is not installed");
    Path onlyBash = Files.createDirectories(tmp.resolve("path-with-bash-only"));
    Files.createSymbolicLink(onlyBash.resolve("bash"), bash);
    new HookInstaller(port()).install(repo);

    assertThat(runHook(repo, Map.of("PATH", onlyBash.toString()), PUSH_LINE)).isZero();

    Received r = nextRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/hooks/push");
    assertThat(r.body()).isEqualTo(expectedBody());
  }

  @Test
  void thePushSucceedsWhenCairnIsDown() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    new HookInstaller(closed).install(repo);
    assertThat(runHook(repo, Map.of(), PUSH_LINE)).isZero();
    Path onlyBash = Files.createDirectories(tmp.resolve("bash-only"));
    Files.createSymbolicLink(onlyBash.resolve("bash"), Path.of("/bin/bash"));
    assertThat(runHook(repo, Map.of("PATH", onlyBash.toString()), PUSH_LINE)).isZero();
    assertThat(runHook(repo, Map.of("PATH", tmp.resolve("empty").toString()), PUSH_LINE)).isZero();
  }

  @Test
  void aForeignHookIsChainedWithItsInputAndStatus() throws Exception {
    Path hooks = repo.resolve("hooks");
    Files.createDirectories(hooks);
    Path seen = tmp.resolve("foreign-saw.txt");
    Path foreign = hooks.resolve("post-receive");
    Files.writeString(
        foreign, "#!/bin/sh\ncat > '" + seen + "'\necho \"args:$#\" >> '" + seen + "'\nexit 3\n");
    Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwxr-xr-x"));

    HookInstaller installer = new HookInstaller(port());
    assertThat(installer.install(repo))
        .isEqualTo(HookInstaller.Outcome.INSTALLED_CHAINING_EXISTING);
    assertThat(hooks.resolve(HookInstaller.CHAINED_HOOK)).exists();
    assertThat(installer.install(repo)).isEqualTo(HookInstaller.Outcome.UNCHANGED);

    assertThat(runHook(repo, Map.of(), PUSH_LINE)).isEqualTo(3);
    assertThat(Files.readString(seen)).isEqualTo(PUSH_LINE + "args:0\n");
    assertThat(nextRequest().path()).isEqualTo("/hooks/push");

    assertThat(new HookInstaller(port() == 65535 ? 1 : port() + 1).install(repo))
        .isEqualTo(HookInstaller.Outcome.UPDATED);
    assertThat(Files.readString(foreign)).contains(":" + (port() == 65535 ? 1 : port() + 1) + "/");
    assertThat(hooks.resolve(HookInstaller.CHAINED_HOOK)).exists();

    assertThat(installer.uninstall(repo)).isTrue();
    assertThat(Files.readString(foreign)).doesNotContain(HookInstaller.MARKER).contains("exit 3");
    assertThat(hooks.resolve(HookInstaller.CHAINED_HOOK)).doesNotExist();
    assertThat(installer.uninstall(repo)).isFalse();
  }

  @Test
  void twoForeignHooksAreRefusedRatherThanGuessed() throws IOException {
    Path hooks = Files.createDirectories(repo.resolve("hooks"));
    Files.writeString(hooks.resolve("post-receive"), "#!/bin/sh\necho mine\n");
    Files.writeString(hooks.resolve(HookInstaller.CHAINED_HOOK), "#!/bin/sh\necho older\n");
    assertThatThrownBy(() -> new HookInstaller(port()).install(repo))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("merge them into one hook by hand");
    assertThat(Files.readString(hooks.resolve("post-receive"))).contains("echo mine");
  }

  @Test
  void onlyBareRepositoriesGetTheHook() throws Exception {
    Path work = tmp.resolve("work");
    Git.init().setDirectory(work.toFile()).call().close();
    assertThatThrownBy(() -> new HookInstaller(port()).install(work.resolve(".git")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Not a bare repository");
    assertThatThrownBy(() -> new HookInstaller(port()).install(tmp.resolve("nothing")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theRequestBodyEscapesJson() {
    assertThat(HookInstaller.jsonString("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\u000ad\"");
    assertThat(HookInstaller.shQuote("it's")).isEqualTo("'it'\\''s'");
  }
}
