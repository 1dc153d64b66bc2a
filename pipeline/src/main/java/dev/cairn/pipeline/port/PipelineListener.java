package dev.cairn.pipeline.port;

/**
 * Hears what runs do, as it happens: for the dashboard, the CLI's narration and commit statuses.
 * Implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface PipelineListener {
  /** One thing that happened. */
  void event(RunEvent event);

  /** A listener that ignores everything. */
  PipelineListener NONE = event -> {};

  /** A listener that tells this one, then {@code other}. */
  default PipelineListener andThen(PipelineListener other) {
    return event -> {
      event(event);
      other.event(event);
    };
  }
}
