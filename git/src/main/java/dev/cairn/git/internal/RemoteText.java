package dev.cairn.git.internal;

import dev.cairn.git.RemoteCredentials;
import java.net.URISyntaxException;
import java.util.function.Supplier;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A remote as it may be shown (without user info, messages with its secrets masked) and the JGit
 * credentials for it. Not API.
 */
public final class RemoteText {
  private RemoteText() {}

  /**
   * The remote without user name or password.
   *
   * @param remote a URL or a local path
   * @return the URL without user info, or {@code remote} itself if it is a path or unparseable
   */
  public static String displayForm(String remote) {
    try {
      URIish uri = new URIish(remote);
      return uri.getScheme() == null ? remote : uri.setUser(null).setPass(null).toString();
    } catch (URISyntaxException e) {
      return remote;
    }
  }

  /**
   * The text with the remote in display form and any password or token replaced by {@code ***}.
   *
   * @param remote the remote as configured, possibly with a password in it
   * @param text a message, possibly null
   * @param credentials the credentials supplier of the remote, possibly null
   * @return the redacted text; empty for a null text
   */
  public static String redact(String remote, String text, Supplier<RemoteCredentials> credentials) {
    if (text == null) {
      return "";
    }
    String out = text.replace(remote, displayForm(remote));
    try {
      URIish uri = new URIish(remote);
      if (uri.getPass() != null && !uri.getPass().isEmpty()) {
        // The password as written (percent-encoded, e.g. p%40ss) and as decoded (p@ss).
        String raw = rawPassword(remote).orElse(null);
        if (raw != null) {
          out = out.replace(raw, "***");
        }
        out = replaceEncodings(out, uri.getPass());
      }
    } catch (URISyntaxException ignored) {
      // A remote JGit cannot parse has no embedded password.
    }
    if (credentials != null) {
      try {
        RemoteCredentials c = credentials.get();
        if (c != null && !c.secret().isEmpty()) {
          out = replaceEncodings(out, c.secret());
        }
      } catch (RuntimeException ignored) {
        // A failing supplier cannot have handed a secret to JGit either.
      }
    }
    return out;
  }

  /** The secret and its percent-encoded forms replaced by {@code ***}. */
  private static String replaceEncodings(String text, String secret) {
    String out = text.replace(secret, "***");
    String encoded = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
    out = out.replace(encoded, "***").replace(encoded.replace("+", "%20"), "***");
    return out;
  }

  /** The password of {@code scheme://user:password@host/...} exactly as written in it. */
  private static java.util.Optional<String> rawPassword(String remote) {
    int scheme = remote.indexOf("://");
    if (scheme < 0) {
      return java.util.Optional.empty();
    }
    int at = remote.indexOf('@', scheme + 3);
    int slash = remote.indexOf('/', scheme + 3);
    if (at < 0 || (slash >= 0 && slash < at)) {
      return java.util.Optional.empty();
    }
    String userInfo = remote.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    return colon < 0 || colon == userInfo.length() - 1
        ? java.util.Optional.empty()
        : java.util.Optional.of(userInfo.substring(colon + 1));
  }

  /**
   * What went wrong, as the innermost message of the chain says it (JGit wraps the telling one).
   *
   * @param e the failure
   * @return the innermost non-null message, or the innermost exception's class name; not redacted
   */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    String message = e.getMessage();
    while (root.getCause() != null) {
      root = root.getCause();
      if (root.getMessage() != null) {
        message = root.getMessage();
      }
    }
    return message == null ? root.getClass().getSimpleName() : message;
  }

  /**
   * The JGit credentials for one remote operation, asked of the supplier now.
   *
   * @param credentials the supplier, possibly null
   * @return the provider, or null when there is no supplier or it supplies nothing
   */
  public static CredentialsProvider credentialsProvider(Supplier<RemoteCredentials> credentials) {
    if (credentials == null) {
      return null;
    }
    RemoteCredentials c = credentials.get();
    return c == null ? null : new UsernamePasswordCredentialsProvider(c.username(), c.secret());
  }
}
