package dev.cairn.aws.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An emulator running as a child process: started, awaited until its HTTP endpoint answers, and
 * destroyed at JVM exit. Its output goes to a log file, shown when it fails to start.
 */
final class EmulatorProcess {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final URI endpoint;

  private EmulatorProcess(String name, Process process, Path log, URI endpoint) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.endpoint = endpoint;
  }

  /**
   * Starts {@code command} (with {@code environment} added to this JVM's) and waits until {@code
   * probePath} on the emulator answers any HTTP status below 500.
   *
   * @throws IllegalStateException when the process exits or does not answer within {@code timeout};
   *     the message holds the end of its output
   */
  static EmulatorProcess start(
      String name,
      List<String> command,
      java.util.Map<String, String> environment,
      URI endpoint,
      String probePath,
      Duration timeout) {
    Path log;
    Process process;
    try {
      log = Files.createTempFile("cairn-" + name + "-", ".log");
      // Kept while the JVM runs (a failure's message points at it), not afterwards.
      log.toFile().deleteOnExit();
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      process =
          builder
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
    long started = System.nanoTime();
    EmulatorProcess emulator = new EmulatorProcess(name, process, log, endpoint);
    Runtime.getRuntime().addShutdownHook(new Thread(emulator::destroy, "stop-" + name));
    URI probe = endpoint.resolve(probePath);
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("exited");
                }
                return answers(probe);
              });
    } catch (RuntimeException e) {
      emulator.destroy();
      throw new IllegalStateException(
          name
              + " did not start at "
              + endpoint
              + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")")
              + "; its output ends with:\n"
              + emulator.tail(),
          e);
    }
    // Start-up cost shows in the build log: these emulators dominate the AWS tests' time.
    System.err.printf(
        "%s ready at %s in %d ms (output: %s)%n",
        name, endpoint, (System.nanoTime() - started) / 1_000_000, log);
    return emulator;
  }

  private static boolean answers(URI probe) throws IOException, InterruptedException {
    HttpResponse<Void> response =
        HTTP.send(
            HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
    return response.statusCode() < 500;
  }

  /** The emulator's base URL, e.g. {@code http://127.0.0.1:41234}. */
  URI endpoint() {
    return endpoint;
  }

  /** The file holding the emulator's output. */
  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void destroy() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ")";
    }
  }

  @Override
  public String toString() {
    return name + "[" + endpoint + ", log " + log + "]";
  }
}
