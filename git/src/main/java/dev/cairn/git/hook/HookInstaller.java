package dev.cairn.git.hook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Installs a {@code post-receive} hook into a local bare repository so that git tells Cairn about a
 * push at once instead of Cairn noticing it at its next poll.
 *
 * <p>The hook is a POSIX {@code sh} script. After every push it sends, in the background,
 *
 * <pre>
 * POST http://127.0.0.1:&lt;port&gt;/hooks/push
 * Content-Type: application/json
 *
 * {"repository":"&lt;absolute path of the bare repository&gt;"}
 * </pre>
 *
 * <p>with {@code curl} when available, else with bash's {@code /dev/tcp}, else not at all (polling
 * still finds the push). The request is only a hint to check now: it carries no ref names (so the
 * script never has to encode untrusted data), and the receiver must not trust it beyond that. Its
 * output goes nowhere and every failure is ignored, so a push is neither slowed down nor failed
 * when Cairn is down.
 *
 * <p>An existing hook that is not Cairn's is kept and chained: it is renamed to {@value
 * #CHAINED_HOOK} and Cairn's script runs it afterwards with the same arguments and standard input
 * (the pushed refs), passing on its exit status and output. Installing again only rewrites Cairn's
 * script (e.g. for a new port). If both a foreign hook and a chained one already exist, installing
 * is refused rather than guessing which one to keep.
 */
public final class HookInstaller {

  /** A line that identifies the script as Cairn's. */
  public static final String MARKER = "# cairn-post-receive-hook";

  /** The name a foreign {@code post-receive} hook gets when Cairn's hook chains it. */
  public static final String CHAINED_HOOK = "post-receive.cairn-chained";

  /** The path the hook posts to. */
  public static final String PATH = "/hooks/push";

  private final int port;

  /**
   * Creates an installer for a Cairn that listens on 127.0.0.1.
   *
   * @param port Cairn's HTTP port
   */
  public HookInstaller(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Not a TCP port: " + port);
    }
    this.port = port;
  }

  /** What {@link #install} did. */
  public enum Outcome {
    /** There was no hook; Cairn's is now installed. */
    INSTALLED,
    /** A foreign hook was renamed to {@value #CHAINED_HOOK} and is run by Cairn's hook. */
    INSTALLED_CHAINING_EXISTING,
    /** Cairn's hook was there and has been rewritten. */
    UPDATED,
    /** Cairn's hook was there, identical. */
    UNCHANGED
  }

  /**
   * Installs or updates Cairn's hook.
   *
   * @param bareRepository the bare repository's directory
   * @return what was done
   * @throws IOException if the directory is not a bare repository, the hook cannot be written, or a
   *     foreign hook and a chained hook both exist
   */
  public Outcome install(Path bareRepository) throws IOException {
    Path repo = bareRepository.toAbsolutePath().normalize();
    Path hooks = hooksDirectory(repo);
    Files.createDirectories(hooks);
    Path hook = hooks.resolve("post-receive");
    Path chained = hooks.resolve(CHAINED_HOOK);
    String script = script(repo);
    if (!Files.exists(hook, LinkOption.NOFOLLOW_LINKS)) {
      write(hook, script);
      return Outcome.INSTALLED;
    }
    if (isCairns(hook)) {
      if (Files.readString(hook, StandardCharsets.UTF_8).equals(script)) {
        return Outcome.UNCHANGED;
      }
      write(hook, script);
      return Outcome.UPDATED;
    }
    if (Files.exists(chained, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(
          "Cannot install Cairn's hook in "
              + repo
              + ": "
              + hook
              + " is not Cairn's and "
              + chained
              + " exists too; merge them into one hook by hand, then install again");
    }
    Files.move(hook, chained, StandardCopyOption.ATOMIC_MOVE);
    write(hook, script);
    return Outcome.INSTALLED_CHAINING_EXISTING;
  }

  /**
   * Removes Cairn's hook and puts a chained foreign hook back in its place.
   *
   * @param bareRepository the bare repository's directory
   * @return true if Cairn's hook was there
   * @throws IOException if the directory is not a bare repository or the hooks cannot be changed
   */
  public boolean uninstall(Path bareRepository) throws IOException {
    Path repo = bareRepository.toAbsolutePath().normalize();
    Path hooks = hooksDirectory(repo);
    Path hook = hooks.resolve("post-receive");
    if (!Files.exists(hook, LinkOption.NOFOLLOW_LINKS) || !isCairns(hook)) {
      return false;
    }
    Path chained = hooks.resolve(CHAINED_HOOK);
    if (Files.exists(chained, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(
          chained, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(hook);
    }
    return true;
  }

  /**
   * The script Cairn installs for a repository.
   *
   * @param bareRepository the bare repository's absolute directory
   * @return the script's text
   */
  public String script(Path bareRepository) {
    String body = "{\"repository\":" + jsonString(bareRepository.toString()) + "}";
    return String.join(
        "\n",
        "#!/bin/sh",
        MARKER + " (installed by Cairn; installing again rewrites this file)",
        "# Tells Cairn about the push at once so it need not wait for its next poll. The request",
        "# runs in the background with its output discarded and its failures ignored: a push is",
        "# never slowed down or failed because Cairn is down.",
        "cairn_port=" + port,
        "cairn_url=" + shQuote("http://127.0.0.1:" + port + PATH),
        "cairn_body=" + shQuote(body),
        "",
        "cairn_notify() {",
        "  if command -v curl >/dev/null 2>&1; then",
        "    curl -s -o /dev/null -m 5 -H 'Content-Type: application/json' \\",
        "      --data-binary \"$cairn_body\" \"$cairn_url\"",
        "  elif command -v bash >/dev/null 2>&1; then",
        "    # LC_ALL=C makes ${#CAIRN_BODY} count bytes, as Content-Length must.",
        "    CAIRN_BODY=\"$cairn_body\" CAIRN_PORT=\"$cairn_port\" LC_ALL=C bash -c '",
        "      exec 3<>\"/dev/tcp/127.0.0.1/$CAIRN_PORT\" || exit 0",
        "      printf \"POST "
            + PATH
            + " HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\n"
            + "Content-Type: application/json\\r\\nContent-Length: %s\\r\\n"
            + "Connection: close\\r\\n\\r\\n%s\" \\",
        "        \"$CAIRN_PORT\" \"${#CAIRN_BODY}\" \"$CAIRN_BODY\" >&3",
        "      read -r -t 5 _ <&3",
        "      exec 3<&-'",
        "  fi",
        "}",
        "",
        "( cairn_notify ) </dev/null >/dev/null 2>&1 &",
        "",
        "case $0 in",
        "  */*) cairn_hooks=${0%/*} ;;",
        "  *) cairn_hooks=. ;;",
        "esac",
        "if [ -x \"$cairn_hooks/" + CHAINED_HOOK + "\" ]; then",
        "  exec \"$cairn_hooks/" + CHAINED_HOOK + "\" \"$@\"",
        "fi",
        "# Reads the pushed refs to the end so that the caller never writes into a closed pipe.",
        "while read -r _; do :; done",
        "exit 0",
        "");
  }

  private static boolean isCairns(Path hook) throws IOException {
    if (!Files.isRegularFile(hook, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    byte[] head = Files.readAllBytes(hook);
    return new String(head, StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith(MARKER));
  }

  private static Path hooksDirectory(Path repo) throws IOException {
    try (Repository repository =
        new FileRepositoryBuilder().setGitDir(repo.toFile()).setMustExist(true).build()) {
      if (!repository.isBare()) {
        throw new IOException(
            "Not a bare repository: "
                + repo
                + " (Cairn installs its push hook only into the bare repository people push to)");
      }
      String hooksPath = repository.getConfig().getString("core", null, "hooksPath");
      return hooksPath == null ? repo.resolve("hooks") : repo.resolve(hooksPath);
    } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
      throw new IOException("Not a git repository: " + repo, e);
    }
  }

  private static void write(Path hook, String script) throws IOException {
    Path tmp = hook.resolveSibling(hook.getFileName() + ".cairn-tmp");
    Files.writeString(tmp, script, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      if (!tmp.toFile().setExecutable(true, false)) {
        throw new IOException("Cannot make " + hook + " executable", e);
      }
    }
    Files.move(tmp, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Single-quotes for sh: inside single quotes nothing is special except the quote itself. */
  static String shQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
