package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on Cairn's HTTP API as a hostile web page, a local user without the token, or a network
 * peer would make them. Requests go over raw sockets so that every header (Host, Origin) is exactly
 * what an attacker's browser or script sends.
 */
class HostileApiTest {
  private static final ApiToken TOKEN = new ApiToken("alice", "s3cret-token-0123456789");

  private final List<String> actors = new CopyOnWriteArrayList<>();
  private final AtomicInteger pushes = new AtomicInteger();
  private CairnServer server;

  @BeforeEach
  void start() throws IOException {
    server = CairnServer.start("127.0.0.1", 0, routes(TOKEN, null));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CairnServer.Routes routes(ApiToken token, String webhookSecret) {
    return new CairnServer.Routes(
        pushes::incrementAndGet,
        () -> Json.parse("{\"environments\": [{\"name\": \"production\"}]}"),
        () -> Json.parse("[]"),
        webhookSecret,
        (action, body, actor) -> {
          actors.add(actor);
          if (body.path("environment").asText().equals("boom")) {
            throw new IllegalStateException("/home/alice/.cairn/secret-path exploded");
          }
          return Json.parse("{\"run\": \"run-1\"}");
        },
        token,
        List.of());
  }

  private String host() {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void aCrossSiteTextPlainPostDeploysNothing() throws IOException {
    // What a web page's form or no-preflight fetch sends: text/plain, its own Origin, no token.
    Answer answer =
        send(
            "POST",
            "/api/deploy",
            Map.of(
                "Host", host(),
                "Origin", "https://evil.example",
                "Content-Type", "text/plain"),
            "{\"environment\": \"production\", \"commit\": \"abc\"}");
    assertThat(answer.status()).isEqualTo(403);
    assertThat(actors).isEmpty();
  }

  @Test
  void aCallWithoutTheTokenIsRefusedEvenFromLoopback() throws IOException {
    Answer answer =
        send(
            "POST",
            "/api/rollback",
            Map.of("Host", host(), "Content-Type", "application/json"),
            "{\"environment\": \"production\"}");
    assertThat(answer.status()).isEqualTo(401);
    Answer wrong =
        send(
            "POST",
            "/api/rollback",
            Map.of(
                "Host",
                host(),
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer s3cret-token-0123456788"),
            "{\"environment\": \"production\"}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(actors).isEmpty();
  }

  @Test
  void aTokenHolderWithATextPlainBodyIsRefused() throws IOException {
    Answer answer =
        send(
            "POST",
            "/api/deploy",
            Map.of(
                "Host",
                host(),
                "Content-Type",
                "text/plain",
                "Authorization",
                "Bearer " + TOKEN.secret()),
            "{\"environment\": \"production\", \"commit\": \"abc\"}");
    assertThat(answer.status()).isEqualTo(415);
    assertThat(actors).isEmpty();
  }

  @Test
  void theActorIsTheTokensNotTheOneTheBodyNames() throws IOException {
    Answer answer = deploy("{\"environment\": \"production\", \"actor\": \"mallory\"}");
    assertThat(answer.status()).isEqualTo(202);
    assertThat(actors).containsExactly("alice");
  }

  @Test
  void dnsRebindingCannotReadTheStatus() throws IOException {
    // evil.example now resolves to 127.0.0.1; the browser still sends its own name as Host.
    Answer rebound =
        send("GET", "/api/status", Map.of("Host", "evil.example:" + server.port()), "");
    assertThat(rebound.status()).isEqualTo(403);
    assertThat(rebound.body()).doesNotContain("production");
    Answer wrongPort = send("GET", "/api/status", Map.of("Host", "127.0.0.1:1"), "");
    assertThat(wrongPort.status()).isEqualTo(403);
    Answer noHost = send("GET", "/api/runs", Map.of(), "");
    assertThat(noHost.status()).isIn(400, 403);
    Answer own = send("GET", "/api/status", Map.of("Host", "localhost:" + server.port()), "");
    assertThat(own.status()).isEqualTo(200);
  }

  @Test
  void aForeignOriginCannotTriggerThePushHookOrReadTheRuns() throws IOException {
    Answer push =
        send("POST", "/hooks/push", Map.of("Host", host(), "Origin", "http://evil.example"), "{}");
    assertThat(push.status()).isEqualTo(403);
    assertThat(pushes).hasValue(0);
    Answer nullOrigin = send("GET", "/api/runs", Map.of("Host", host(), "Origin", "null"), "");
    assertThat(nullOrigin.status()).isEqualTo(403);
    Answer sameOrigin =
        send("GET", "/api/runs", Map.of("Host", host(), "Origin", "http://" + host()), "");
    assertThat(sameOrigin.status()).isEqualTo(200);
  }

  @Test
  void aFailureAnswersNoExceptionText() throws IOException {
    Answer answer = deploy("{\"environment\": \"boom\"}");
    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).doesNotContain("/home/alice").doesNotContain("exploded");
  }

  @Test
  void aNonJsonBodyIsRefusedWithoutEchoingIt() throws IOException {
    Answer answer = deploy("<script>alert(1)</script>");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).doesNotContain("script");
    assertThat(deploy("[1, 2]").status()).isEqualTo(400);
    assertThat(actors).isEmpty();
  }

  @Test
  void listeningBeyondLoopbackNeedsAToken() {
    assertThatThrownBy(() -> CairnServer.start("0.0.0.0", 0, routes(null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API token");
  }

  @Test
  void withoutATokenNoActionIsPossible() throws IOException {
    try (CairnServer tokenless = CairnServer.start("127.0.0.1", 0, routes(null, null))) {
      Answer answer =
          send(
              tokenless.port(),
              "POST",
              "/api/deploy",
              Map.of(
                  "Host",
                  "127.0.0.1:" + tokenless.port(),
                  "Content-Type",
                  "application/json",
                  "Authorization",
                  "Bearer "),
              "{\"environment\": \"production\"}");
      assertThat(answer.status()).isEqualTo(401);
    }
    assertThat(actors).isEmpty();
  }

  private Answer deploy(String body) throws IOException {
    return send(
        "POST",
        "/api/deploy",
        Map.of(
            "Host",
            host(),
            "Content-Type",
            "application/json; charset=utf-8",
            "Authorization",
            "Bearer " + TOKEN.secret()),
        body);
  }

  private Answer send(String method, String path, Map<String, String> headers, String body)
      throws IOException {
    return send(server.port(), method, path, headers, body);
  }

  /** One HTTP/1.1 request over a raw socket, with exactly the headers given. */
  static Answer send(int port, String method, String path, Map<String, String> headers, String body)
      throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    headers.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("Content-Length: ").append(content.length).append("\r\n");
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      int split = text.indexOf("\r\n\r\n");
      return new Answer(status, split < 0 ? "" : text.substring(split + 4));
    }
  }

  record Answer(int status, String body) {}
}
