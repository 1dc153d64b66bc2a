package dev.cairn.local.job;

import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobResult.Outcome;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a step's non-zero exit status means, once Cairn knows it did not cancel the step or stop it
 * at its time limit.
 *
 * <p>A status of 128 + N is how the shell, bubblewrap and the JDK all report a process ended by
 * signal N. The signals others send to end a process — SIGKILL (the OOM killer, {@code kill -9}),
 * SIGTERM (a shutdown), SIGINT, SIGHUP — are {@link Outcome#KILLED}: not the commit's doing. A
 * crash of the step's own making (SIGSEGV, SIGABRT) and a step over its own memory limit stay
 * FAILED. A step that itself exits with 137 cannot be told apart; it is retried a few times, then
 * reported.
 */
final class StepExit {
  private static final Map<Integer, String> OUTSIDE_SIGNALS =
      Map.of(1, "SIGHUP", 2, "SIGINT", 9, "SIGKILL", 15, "SIGTERM");

  private StepExit() {}

  static JobResult of(String step, int exit, Long memoryLimitHit, Path log) {
    if (memoryLimitHit != null) {
      return new JobResult(
          Outcome.FAILED,
          step,
          exit,
          log,
          "step '"
              + step
              + "' was killed for exceeding its memory limit of "
              + memoryLimitHit / (1024 * 1024)
              + " MiB (exit "
              + exit
              + ")");
    }
    String signal = OUTSIDE_SIGNALS.get(exit - 128);
    if (signal != null) {
      return new JobResult(
          Outcome.KILLED,
          step,
          exit,
          log,
          "step '"
              + step
              + "' was killed from outside Cairn by signal "
              + (exit - 128)
              + " ("
              + signal
              + ")");
    }
    return new JobResult(
        Outcome.FAILED, step, exit, log, "step '" + step + "' exited with " + exit);
  }
}
