package dev.cairn.pipeline.port;

/** Receives a job's output line by line, live. Called from the executor's threads. */
@FunctionalInterface
public interface JobOutput {
  /**
   * One line printed by a step (stdout and stderr interleaved), secrets already masked.
   *
   * @param step the step's name
   */
  void line(String step, String line);
}
