package dev.cairn.pipeline.runtime;

/** The outcomes the compiled state machine records (its record states' {@code outcome}). */
public enum RecordedOutcome {
  /** The pipeline file was invalid or the build failed: nothing was deployed. */
  BUILD_FAILED,
  /** The release passed its bake. */
  DEPLOYED,
  /** The release failed and the environment was rolled back. */
  ROLLED_BACK,
  /** The run was superseded or the commit skipped as bad. */
  SKIPPED;

  /** The word the state machine passes, e.g. {@code build-failed}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /**
   * The outcome of a word.
   *
   * @throws IllegalArgumentException for an unknown word
   */
  public static RecordedOutcome of(String wireName) {
    for (RecordedOutcome outcome : values()) {
      if (outcome.wireName().equals(wireName)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException("unknown outcome '" + wireName + "'");
  }
}
