package dev.cairn.cli.loop;

import dev.cairn.local.job.Isolation;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints what runs do, one line per event, for people: {@code cairn serve} and {@code cairn demo}.
 * Build output is shown with --verbose; otherwise the last lines are shown when a build fails.
 */
public final class Narrator implements PipelineListener {
  private static final int TAIL_LINES = 12;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintStream out;
  private final boolean verbose;
  private final Map<String, Deque<String>> tails = new HashMap<>();

  /**
   * @param out where to print
   * @param verbose whether to print every build output line
   */
  public Narrator(PrintStream out, boolean verbose) {
    this.out = out;
    this.verbose = verbose;
  }

  @Override
  public synchronized void event(RunEvent event) {
    String runId = event.run();
    String kind = event.kind().wireName();
    String environment = event.environment();
    String message = event.message();
    if (kind.equals("build-output") || kind.equals("migrate-output")) {
      Deque<String> tail = tails.computeIfAbsent(runId, id -> new ArrayDeque<>());
      tail.addLast(message);
      while (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
      if (verbose) {
        out.println("           | " + message);
      }
      return;
    }
    out.println(
        LocalTime.now().format(TIME)
            + "  "
            + runId
            + "  "
            + (environment == null ? "" : environment + ": ")
            + kind
            + (message == null || message.isEmpty() ? "" : "  " + message));
    if (kind.equals("build-failed") && !verbose) {
      Deque<String> tail = tails.getOrDefault(runId, new ArrayDeque<>());
      tail.forEach(line -> out.println("           | " + line));
    }
    if (kind.equals("run-ended")) {
      tails.remove(runId);
    }
  }

  /** One line saying how build jobs are isolated on this machine. */
  public static String describe(Isolation isolation) {
    if (isolation.sandboxed() && isolation.limited()) {
      return "build jobs run in bubblewrap sandboxes with cgroup limits";
    }
    return isolation.warningLine().orElse("build jobs run as plain processes");
  }
}
