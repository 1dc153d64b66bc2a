package dev.cairn.git;

import java.util.Objects;

/**
 * A user name and a secret (password or access token) for an HTTPS remote.
 *
 * <p>The secret never appears in {@link #toString()}, logs or exception messages.
 *
 * @param username the user name; hosts that take a token alone accept any non-empty name
 * @param secret the password or token
 */
public record RemoteCredentials(String username, String secret) {

  /** Requires both parts. */
  public RemoteCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "RemoteCredentials[username=" + username + ", secret=***]";
  }
}
