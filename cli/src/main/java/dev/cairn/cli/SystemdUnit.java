package dev.cairn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where Cairn's systemd unit lives, how its words are quoted, and {@code systemctl} when systemd
 * runs here. systemctl is only used for the system's own unit directory: a unit written elsewhere
 * ({@code --unit-dir}) is not one systemd loads by itself, so the commands are printed instead.
 */
final class SystemdUnit {
  static final String NAME = "cairn.service";
  static final Path SYSTEM_UNIT_DIR = Path.of("/etc/systemd/system");

  private SystemdUnit() {}

  /** Whether systemd manages this machine (its documented test: {@code /run/systemd/system}). */
  static boolean systemdRunning() {
    return Files.isDirectory(Path.of("/run/systemd/system"));
  }

  /** Whether {@code systemctl} should act on a unit in {@code unitDir}. */
  static boolean managed(Path unitDir) {
    return unitDir.toAbsolutePath().normalize().equals(SYSTEM_UNIT_DIR) && systemdRunning();
  }

  /**
   * One word of a unit's command line or assignment: quoted when it holds white space or quotes,
   * with systemd's specifiers ({@code %}) and variable references ({@code $}) escaped, so the value
   * reaches the process exactly as given.
   */
  static String quote(String word) {
    String escaped = word.replace("%", "%%").replace("$", "$$");
    if (!escaped.isEmpty()
        && escaped
            .chars()
            .noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == ';')) {
      return escaped;
    }
    return "\"" + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Runs {@code systemctl ARGS} with its output passed through; returns its exit status. */
  static int systemctl(String... arguments) {
    List<String> command = new ArrayList<>(List.of("systemctl"));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(System.out);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 60s");
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run systemctl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running systemctl", e);
    }
  }

  static String read(Path unit) {
    try {
      return Files.readString(unit, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserInputException("cannot read " + unit + ": " + e.getMessage());
    }
  }
}
