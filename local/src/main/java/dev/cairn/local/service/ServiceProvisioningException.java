package dev.cairn.local.service;

/**
 * A service could not be provisioned or started, for a reason a person must fix (binaries missing,
 * port taken, a data directory PostgreSQL rejects). Retrying without a change fails the same way.
 * The message is safe to show: secrets are masked.
 */
public final class ServiceProvisioningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do, for a person
   */
  public ServiceProvisioningException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do, for a person
   * @param cause the underlying failure
   */
  public ServiceProvisioningException(String message, Throwable cause) {
    super(message, cause);
  }
}
