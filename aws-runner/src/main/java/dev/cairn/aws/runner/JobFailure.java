package dev.cairn.aws.runner;

/**
 * A job that failed because of what it ran (the commit, the release), with the ASL error name the
 * state machine sees. The message is for people and never holds a secret.
 */
final class JobFailure extends RuntimeException {
  private final String error;

  JobFailure(String error, String message) {
    super(message);
    this.error = error;
  }

  String error() {
    return error;
  }
}
