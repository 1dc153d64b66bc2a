package dev.cairn.git;

/**
 * A remote repository operation failed. The subclass says how the caller should react: {@link
 * RemoteUnreachableException} is worth retrying as it is; {@link RepositoryNotFoundException} and
 * {@link RemoteAuthenticationException} need a person to fix something first.
 *
 * <p>Messages name the remote without any user name, password or token and are fit to show to a
 * user.
 */
public abstract sealed class GitRemoteException extends Exception
    permits RemoteUnreachableException, RepositoryNotFoundException, RemoteAuthenticationException {

  private static final long serialVersionUID = 1L;

  GitRemoteException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Tells whether repeating the same operation later may succeed without anyone changing anything.
   *
   * @return true when a plain retry is the right reaction
   */
  public abstract boolean retryable();
}
