package dev.cairn.pipeline.run;

/**
 * A commit to run through the pipeline.
 *
 * @param commit the commit id
 * @param tree its tree id (equal trees reuse one artifact)
 * @param message its subject line
 * @param trigger what asked for the run: {@code push}, {@code poll}, {@code manual}
 */
public record RunRequest(String commit, String tree, String message, String trigger) {}
