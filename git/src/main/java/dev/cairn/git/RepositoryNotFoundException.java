package dev.cairn.git;

/**
 * The remote answered but has no repository at that address (or the local path is not a
 * repository). A person must fix the address or create the repository.
 */
public final class RepositoryNotFoundException extends GitRemoteException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message a user-facing message that contains no credentials
   * @param cause the underlying failure, or null
   */
  public RepositoryNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
