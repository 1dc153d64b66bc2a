package dev.cairn.pipeline.run;

/**
 * A commit to run through the pipeline.
 *
 * @param commit the commit id
 * @param tree its tree id (equal trees reuse one artifact)
 * @param message its subject line
 * @param trigger what asked for the run: {@code push}, {@code poll}, {@code manual}; a manual run
 *     deploys even a commit marked bad, and even if a newer commit is deployed
 * @param environment the only environment to deploy to, or null for every environment in promotion
 *     order
 */
public record RunRequest(
    String commit, String tree, String message, String trigger, String environment) {
  /** A run of a pushed commit through every environment. */
  public static RunRequest pushed(String commit, String tree, String message) {
    return new RunRequest(commit, tree, message, "push", null);
  }

  /** True for a run someone asked for by hand. */
  public boolean manual() {
    return "manual".equals(trigger);
  }
}
