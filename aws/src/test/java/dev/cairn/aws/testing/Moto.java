package dev.cairn.aws.testing;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * moto_server, the Python AWS emulator, as a real subprocess on a free loopback port: started once
 * per JVM on first use, destroyed at JVM exit. One server emulates every service moto supports; its
 * state is shared by all tests of the JVM, so tests use unique names (or call {@link #reset()}).
 *
 * <p>moto_server is started through {@link #LAUNCHER}, not its own {@code main}: moto 5.2.1 checks
 * an S3 write's {@code If-Match}/{@code If-None-Match} and then stores the object without a lock,
 * in a threaded server, so two conditional writes of the same version can both succeed there. Real
 * S3's conditional writes are atomic, and Cairn's S3 stores rely on it (compare-and-swap); the
 * launcher serializes S3's writing requests so that moto behaves as S3 does, and leaves every other
 * request concurrent.
 */
public final class Moto {
  /** Where moto_server is when {@code CAIRN_MOTO_SERVER} is not set. */
  public static final Path DEFAULT_PATH = Path.of("/root/.pyenv/versions/3.11.7/bin/moto_server");

  /**
   * The Python program that runs moto's application as moto_server does, with S3's writing requests
   * (recognized by the service in their signature's scope) one at a time. Arguments: host, port.
   */
  static final String LAUNCHER =
      """
      import sys, threading
      from werkzeug.serving import run_simple
      from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

      app = DomainDispatcherApplication(create_backend_app)
      s3_writes = threading.Lock()

      def application(environ, start_response):
          scope = environ.get("HTTP_AUTHORIZATION", "")
          if "/s3/aws4_request" in scope and environ["REQUEST_METHOD"] in ("PUT", "POST", "DELETE"):
              with s3_writes:
                  return list(app(environ, start_response))
          return app(environ, start_response)

      run_simple(sys.argv[1], int(sys.argv[2]), application, threaded=True)
      """;

  private static EmulatorProcess server;
  private static String unavailable;

  private Moto() {}

  /**
   * Skips the calling test (a JUnit assumption) when moto_server cannot be found, with a message
   * saying where it was looked for.
   */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(executable().isPresent(), Moto::notFoundMessage);
  }

  /** Why moto tests are skipped: where moto_server was looked for. */
  public static String notFoundMessage() {
    return "moto_server not found: set CAIRN_MOTO_SERVER, install it at "
        + DEFAULT_PATH
        + " or put it on the PATH (pip install 'moto[server]')";
  }

  /**
   * The server's endpoint, starting it on first use.
   *
   * @throws IllegalStateException when moto_server is absent or does not start (call {@link
   *     #assumeAvailable()} first to skip instead)
   */
  public static synchronized URI endpoint() {
    if (unavailable != null) {
      throw new IllegalStateException(unavailable);
    }
    if (server == null || !server.isAlive()) {
      Path executable =
          executable().orElseThrow(() -> new IllegalStateException("moto_server not found"));
      int port = FreePort.pick();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      try {
        server =
            EmulatorProcess.start(
                "moto",
                command(executable, port),
                java.util.Map.of(),
                endpoint,
                "/moto-api/",
                Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        unavailable = e.getMessage();
        throw e;
      }
    }
    return server.endpoint();
  }

  /** Forgets every resource moto holds (all services), for tests that need a clean account. */
  public static void reset() {
    post(endpoint(), "/moto-api/reset", "");
  }

  /**
   * Changes moto's configuration ({@code POST /moto-api/config}), e.g. {@code
   * {"batch":{"use_docker":false}}}.
   */
  public static void configure(String json) {
    configure(endpoint(), json);
  }

  /**
   * Makes moto's Batch run no containers: a submitted job ends SUCCEEDED at once (moto's "simple
   * Batch"; there is no Docker here). Applies to the shared server for the rest of the JVM; it is
   * what every Batch test here needs.
   */
  public static void useBatchWithoutDocker() {
    configure("{\"batch\":{\"use_docker\":false}}");
  }

  /**
   * Starts a second, private moto_server with extra environment variables (e.g. {@code
   * MOTO_SIMPLE_BATCH_FAIL_AFTER=0}, which makes every Batch job fail); close it when done.
   */
  public static Dedicated startDedicated(java.util.Map<String, String> environment) {
    assumeAvailable();
    Path executable = executable().orElseThrow();
    int port = FreePort.pick();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    EmulatorProcess process =
        EmulatorProcess.start(
            "moto-dedicated",
            command(executable, port),
            environment,
            endpoint,
            "/moto-api/",
            Duration.ofSeconds(60));
    return new Dedicated(process);
  }

  /** A private moto_server from {@link #startDedicated}. */
  public static final class Dedicated implements AutoCloseable {
    private final EmulatorProcess process;

    private Dedicated(EmulatorProcess process) {
      this.process = process;
    }

    /** Its endpoint. */
    public URI endpoint() {
      return process.endpoint();
    }

    /** Changes its configuration, as {@link Moto#configure}. */
    public void configure(String json) {
      Moto.configure(process.endpoint(), json);
    }

    /** Stops it. */
    @Override
    public void close() {
      process.destroy();
    }
  }

  private static void configure(URI endpoint, String json) {
    post(endpoint, "/moto-api/config", json);
  }

  private static void post(URI endpoint, String path, String body) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(endpoint.resolve(path))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "moto " + path + " answered " + response.statusCode() + ": " + response.body());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The command that runs {@link #LAUNCHER} with the Python interpreter moto_server's own first
   * line names (so the same installation of moto), on 127.0.0.1 and {@code port}.
   */
  private static List<String> command(Path executable, int port) {
    String firstLine;
    try (var lines = Files.lines(executable)) {
      firstLine = lines.findFirst().orElse("");
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new IllegalStateException("cannot read " + executable + ": " + e.getMessage());
    }
    if (!firstLine.startsWith("#!")) {
      throw new IllegalStateException(
          executable + " does not start with #! naming its Python interpreter");
    }
    List<String> command =
        new java.util.ArrayList<>(List.of(firstLine.substring(2).trim().split("\\s+")));
    command.addAll(List.of("-c", LAUNCHER, "127.0.0.1", Integer.toString(port)));
    return command;
  }

  /** The moto_server executable: {@code $CAIRN_MOTO_SERVER}, the default path, or the PATH. */
  public static Optional<Path> executable() {
    String configured = System.getenv("CAIRN_MOTO_SERVER");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    if (Files.isExecutable(DEFAULT_PATH)) {
      return Optional.of(DEFAULT_PATH);
    }
    String pathVariable = System.getenv().getOrDefault("PATH", "");
    for (String directory : pathVariable.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, "moto_server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
