package dev.cairn.git.host;

/**
 * The git host refused a request or could not be reached. The message names the request and the
 * answer's status, never the token or a header.
 */
public final class GitHostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message safe to log. */
  public GitHostException(String message) {
    super(message);
  }
}
