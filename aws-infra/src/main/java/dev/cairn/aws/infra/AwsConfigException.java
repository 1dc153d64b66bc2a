package dev.cairn.aws.infra;

/**
 * The AWS configuration file (or a pipeline file it names) is invalid: a person must fix it;
 * retrying does not help. The message says which file and what is wrong.
 */
public final class AwsConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message for the user. */
  public AwsConfigException(String message) {
    super(message);
  }

  /** Creates the exception with a message for the user and its cause. */
  public AwsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
