package dev.cairn.aws.lambda.status;

import java.util.Objects;

/**
 * One commit status for the git host.
 *
 * @param repository {@code owner/name}
 * @param sha the commit
 * @param state {@code pending}, {@code success}, {@code failure} or {@code error}
 * @param context what the status is about, e.g. {@code cairn/build}, {@code cairn/production}
 * @param description one line for people, at most 140 characters (GitHub's limit)
 * @param targetUrl a link to details, or null
 */
public record CommitStatus(
    String repository,
    String sha,
    String state,
    String context,
    String description,
    String targetUrl) {
  /** GitHub rejects longer descriptions. */
  public static final int MAX_DESCRIPTION = 140;

  public CommitStatus {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(sha, "sha");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(context, "context");
    description = description == null ? "" : oneLine(description);
  }

  private static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_DESCRIPTION
        ? line
        : line.substring(0, MAX_DESCRIPTION - 1) + "\u2026";
  }
}
