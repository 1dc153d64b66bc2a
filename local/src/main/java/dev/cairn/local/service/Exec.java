package dev.cairn.local.service;

import dev.cairn.pipeline.secret.Masker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs the short-lived service tools (initdb, pg_ctl, psql) and collects their output. */
final class Exec {
  private Exec() {}

  /**
   * The outcome of a command.
   *
   * @param exitCode the exit code
   * @param output stdout and stderr, interleaved
   */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs a command to completion.
   *
   * @param command the command
   * @param env variables added to the environment (may hold secrets: never printed)
   * @param stdin text fed to the command, or null for none
   * @param timeout after this the command is killed
   */
  static Result run(
      List<String> command,
      Path directory,
      Map<String, String> env,
      String stdin,
      Duration timeout) {
    Path output = null;
    try {
      // Output goes to a file, not a pipe: a daemon forked by the command could keep a pipe
      // open forever.
      output = Files.createTempFile("cairn-exec", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      if (stdin == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      builder.environment().putAll(env);
      Process process = builder.start();
      if (stdin != null) {
        try (var in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new ServiceProvisioningException(
            command.getFirst() + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ServiceProvisioningException(
          "cannot run " + command.getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceProvisioningException("interrupted while running " + command.getFirst(), e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // A leftover temporary file holds no secret (commands get secrets by stdin/env).
        }
      }
    }
  }

  /** The command's output with every secret replaced, fit for a message. */
  static String masked(String text, Set<String> secrets) {
    return new Masker(secrets).maskText(text.strip());
  }

  /** The last lines of a log file, masked; empty when it cannot be read. */
  static String tail(Path log, int lines, Set<String> secrets) {
    try {
      return new Masker(secrets).tail(log, lines).strip();
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }
}
