package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import java.net.URISyntaxException;
import java.util.function.Supplier;
import org.eclipse.jgit.transport.URIish;

/** A remote as it may be shown: without user info, and messages with its secrets masked. */
final class RemoteText {
  private RemoteText() {}

  /** The remote without user name or password. */
  static String displayForm(String remote) {
    try {
      URIish uri = new URIish(remote);
      return uri.getScheme() == null ? remote : uri.setUser(null).setPass(null).toString();
    } catch (URISyntaxException e) {
      return remote;
    }
  }

  /** The text with the remote in display form and any password or token replaced by {@code ***}. */
  static String redact(String remote, String text, Supplier<RemoteCredentials> credentials) {
    if (text == null) {
      return "unknown error";
    }
    String out = text.replace(remote, displayForm(remote));
    try {
      URIish uri = new URIish(remote);
      if (uri.getPass() != null && !uri.getPass().isEmpty()) {
        out = out.replace(uri.getPass(), "***");
      }
    } catch (URISyntaxException ignored) {
      // A remote JGit cannot parse has no embedded password.
    }
    if (credentials != null) {
      try {
        RemoteCredentials c = credentials.get();
        if (c != null && !c.secret().isEmpty()) {
          out = out.replace(c.secret(), "***");
        }
      } catch (RuntimeException ignored) {
        // A failing supplier handed no secret to JGit either.
      }
    }
    return out;
  }
}
