package dev.cairn.local.job;

import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.secret.Masker;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a job's lines go: masked, then to the caller's {@link JobOutput} and to the job's log file.
 * Thread-safe; lines arriving after {@link #close()} (from background processes a step left behind)
 * are dropped.
 */
final class JobLog implements AutoCloseable {
  private final Path file;
  private final BufferedWriter writer;
  private final JobOutput output;
  private final Masker masker;
  private boolean closed;
  private IOException writeFailure;

  JobLog(Path file, JobOutput output, Masker masker) throws IOException {
    this.file = file;
    this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.output = output;
    this.masker = masker;
  }

  Path file() {
    return file;
  }

  /** Masks {@code line} and delivers it. */
  synchronized void line(String step, String line) {
    if (closed) {
      return;
    }
    String masked = masker.mask(line);
    try {
      output.line(step, masked);
    } catch (RuntimeException e) {
      // A failing listener must not break the job; the log file still has every line.
    }
    if (writeFailure == null) {
      try {
        writer.write("[" + step + "] " + masked);
        writer.newLine();
        // Flushed per line so the file can be followed while the job runs.
        writer.flush();
      } catch (IOException e) {
        writeFailure = e;
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.close();
    } catch (IOException e) {
      if (writeFailure == null) {
        writeFailure = e;
      }
    }
  }

  /** The first error writing the log file, or null. */
  synchronized IOException writeFailure() {
    return writeFailure;
  }
}
