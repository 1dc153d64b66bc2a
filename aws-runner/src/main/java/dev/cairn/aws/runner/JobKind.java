package dev.cairn.aws.runner;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The jobs the runner runs; their names are the ASL's Batch job parameter {@code job}. */
public enum JobKind {
  /** Fetch, build, keep the artifact (reused when the tree was built before). */
  BUILD,
  /** Say what an apply would change in an environment. */
  PLAN,
  /** Start the new release beside the live one, wait until healthy, switch traffic. */
  APPLY,
  /** Watch the new release for the bake period. */
  VERIFY,
  /** Send traffic back to the last good release and stop the failed one. */
  ROLLBACK,
  /** Stop every release of an environment (a preview environment's end). */
  DESTROY,
  /**
   * Run the steps {@code BatchJobExecutor} hands over in {@code CAIRN_JOB_STEPS} (see {@link
   * StepsJob}).
   */
  STEPS;

  /** The lower-case name, as in {@code cairn runner build}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind with this name, or empty. */
  public static Optional<JobKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
  }

  /** True for the jobs that act on one environment. */
  public boolean needsEnvironment() {
    return this != BUILD && this != STEPS;
  }
}
