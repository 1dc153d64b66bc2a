package dev.cairn.pipeline.port;

/**
 * Hears what runs do, as it happens: for the dashboard, the CLI's narration and commit statuses.
 * Implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface PipelineListener {
  /**
   * One thing that happened.
   *
   * @param runId the run
   * @param kind a stable word: {@code run-started}, {@code build-output}, {@code build-succeeded},
   *     {@code build-failed}, {@code build-reused}, {@code deploy-started}, {@code switched},
   *     {@code deployed}, {@code rolled-back}, {@code superseded}, {@code skipped}
   * @param environment the environment, or null
   * @param message for people, secrets masked
   */
  void event(String runId, String kind, String environment, String message);

  /** A listener that ignores everything. */
  PipelineListener NONE = (runId, kind, environment, message) -> {};
}
