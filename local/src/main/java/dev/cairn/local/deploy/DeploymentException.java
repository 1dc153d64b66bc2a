package dev.cairn.local.deploy;

/**
 * A deployment step could not be carried out (a release could not start, the proxy could not take
 * the stable port, a switch was not acknowledged). The deployment fails and is rolled back; the
 * message says what to look at and is safe to show (no secrets).
 */
public final class DeploymentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, for a person
   */
  public DeploymentException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, for a person
   * @param cause the underlying failure
   */
  public DeploymentException(String message, Throwable cause) {
    super(message, cause);
  }
}
