package dev.cairn.cli.loop;

import static org.awaitility.Awaitility.await;

import dev.cairn.cli.CairnCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cairn serve} in a child JVM, so that a test can kill it with SIGKILL like a crash would,
 * and start another one on the same CAIRN_HOME. Its output is collected line by line; tests wait on
 * lines to know where the loop is.
 */
final class CairnChild implements AutoCloseable {
  private static final Duration LINE_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern HTTP = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)$");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private CairnChild(Process process) {
    this.process = process;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  /** Starts {@code cairn serve --verbose} on a repository, with its state in {@code home}. */
  static CairnChild start(Path home, Path repository) throws IOException {
    return start(home, repository, List.of());
  }

  /** As {@link #start(Path, Path)}, with further arguments of {@code serve}. */
  static CairnChild start(Path home, Path repository, List<String> arguments) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CairnCommand.class.getName());
    command.addAll(
        List.of(
            "serve", "--repo", repository.toString(), "--port", "0", "--poll", "1s", "--verbose"));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CAIRN_HOME", home.toString());
    // The proxy and the releases inherit PATH: a JDK of at least 21 comes first.
    builder
        .environment()
        .put(
            "PATH",
            Path.of(System.getProperty("java.home"), "bin")
                + ":"
                + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
    return new CairnChild(builder.start());
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process was killed: what it printed until then is kept.
    }
  }

  /** Waits for a line matching {@code test} and returns it. */
  String awaitLine(Predicate<String> test, String what) {
    return await(what + " in cairn's output:\n" + String.join("\n", lines))
        .atMost(LINE_TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!process.isAlive() && !reader.isAlive()) {
                throw new IllegalStateException(
                    "cairn exited (" + process.exitValue() + ") before " + what + ":\n" + output());
              }
              return lines.stream().filter(test).findFirst();
            },
            found -> found.isPresent())
        .orElseThrow();
  }

  /**
   * Waits for an event line: {@code <runId> [environment: ]kind}, optionally with a message part.
   */
  String awaitEvent(String environment, String kind, String messagePart) {
    return awaitLine(
        line -> isEvent(line, environment, kind) && line.contains(messagePart),
        (environment == null ? "" : environment + ": ") + kind + " " + messagePart);
  }

  static boolean isEvent(String line, String environment, String kind) {
    String marker = "  " + (environment == null ? "" : environment + ": ") + kind;
    int at = line.indexOf(marker);
    if (at < 0 || line.startsWith(" ")) {
      return false;
    }
    int end = at + marker.length();
    return end == line.length() || line.startsWith("  ", end);
  }

  /** The port of Cairn's HTTP API (from its start line). */
  int httpPort() {
    String line = awaitLine(l -> l.startsWith("cairn: watching"), "the start line");
    Matcher matcher = HTTP.matcher(line);
    if (!matcher.find()) {
      throw new IllegalStateException("no port in " + line);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** Every line printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  String output() {
    return String.join("\n", lines);
  }

  /** SIGKILL: no shutdown hook, no close, like a crash or an OOM kill. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while killing cairn"));
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
