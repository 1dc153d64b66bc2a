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
 */
public final class Moto {
  /** Where moto_server is when {@code CAIRN_MOTO_SERVER} is not set. */
  public static final Path DEFAULT_PATH = Path.of("/root/.pyenv/versions/3.11.7/bin/moto_server");

  private static EmulatorProcess server;
  private static String unavailable;

  private Moto() {}

  /**
   * Skips the calling test (a JUnit assumption) when moto_server cannot be found, with a message
   * saying where it was looked for.
   */
  public static void assumeAvailable() {
    Optional<Path> executable = executable();
    Assumptions.assumeTrue(
        executable.isPresent(),
        "moto_server not found: set CAIRN_MOTO_SERVER, install it at "
            + DEFAULT_PATH
            + " or put it on the PATH (pip install 'moto[server]')");
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
                List.of(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)),
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
    try {
      HttpResponse<Void> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("moto reset answered " + response.statusCode());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
