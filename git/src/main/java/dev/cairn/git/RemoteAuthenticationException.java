package dev.cairn.git;

/**
 * The remote refused the credentials (missing, wrong, expired or lacking permission). A person must
 * fix the credentials.
 */
public final class RemoteAuthenticationException extends GitRemoteException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message a user-facing message that contains no credentials
   * @param cause the underlying failure, or null
   */
  public RemoteAuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
