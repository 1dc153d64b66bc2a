package dev.cairn.local.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Reads a step's merged output on its own thread and hands it to the job log line by line. */
final class OutputPump {
  /** Longer lines are split, so that a step printing without newlines cannot exhaust memory. */
  static final int MAX_LINE = 16 * 1024;

  private final Thread thread;

  OutputPump(String jobId, String step, InputStream in, JobLog log) {
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("cairn-job-" + jobId + "-output")
            .unstarted(() -> pump(in, step, log));
  }

  void start() {
    thread.start();
  }

  /** Waits for the end of the output; false if it has not ended within the time given. */
  boolean awaitEnd(long time, TimeUnit unit) throws InterruptedException {
    return thread.join(java.time.Duration.ofNanos(unit.toNanos(time)));
  }

  private static void pump(InputStream in, String step, JobLog log) {
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      char[] buffer = new char[8192];
      boolean afterCr = false;
      int n;
      while ((n = reader.read(buffer)) != -1) {
        for (int i = 0; i < n; i++) {
          char c = buffer[i];
          if (c == '\n' && afterCr) {
            afterCr = false;
            continue;
          }
          afterCr = c == '\r';
          if (c == '\n' || c == '\r') {
            log.line(step, line.toString());
            line.setLength(0);
          } else {
            line.append(c);
            if (line.length() >= MAX_LINE) {
              log.line(step, line.toString());
              line.setLength(0);
            }
          }
        }
      }
      if (!line.isEmpty()) {
        log.line(step, line.toString());
      }
    } catch (IOException e) {
      // The stream closes when the step's processes are killed; nothing more to read.
    }
  }
}
