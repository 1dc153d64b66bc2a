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
 * @param actor who asked for it: the person for a manual run, the pusher when known; or null
 */
public record RunRequest(
    String commit, String tree, String message, String trigger, String environment, String actor) {

  /** A request without a known actor. */
  public RunRequest(
      String commit, String tree, String message, String trigger, String environment) {
    this(commit, tree, message, trigger, environment, null);
  }

  /** A run of a pushed commit (reported by a hook or webhook) through every environment. */
  public static RunRequest pushed(String commit, String tree, String message) {
    return new RunRequest(commit, tree, message, "push", null);
  }

  /** A run of a commit found by polling the remote, through every environment. */
  public static RunRequest polled(String commit, String tree, String message) {
    return new RunRequest(commit, tree, message, "poll", null);
  }

  /** True for a run someone asked for by hand. */
  public boolean manual() {
    return "manual".equals(trigger);
  }
}
