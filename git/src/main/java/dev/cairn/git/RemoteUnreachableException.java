package dev.cairn.git;

/**
 * The remote could not be reached (network down, host unknown, connection refused or timed out,
 * server error). Retrying later is the right reaction.
 */
public final class RemoteUnreachableException extends GitRemoteException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message a user-facing message that contains no credentials
   * @param cause the underlying failure, or null
   */
  public RemoteUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
