package dev.cairn.pipeline.file;

import java.util.regex.Pattern;

/**
 * The one rule for environment names, checked at every entry point (the pipeline file, the HTTP
 * API, the CLI, files read back from disk, AWS payloads) before a name is used for anything: names
 * become file names (ledgers, releases, logs), S3 keys and process names, so {@code ../../x} must
 * be refused before it reaches any of them.
 *
 * <p>A name is 1 to 63 lowercase letters, digits and {@code -}, starting with a letter and not
 * ending with {@code -} (a DNS label: it also fits host names and AWS resource names).
 */
public final class EnvironmentNames {
  /** What an environment name may be. */
  public static final Pattern PATTERN = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private EnvironmentNames() {}

  /** Whether {@code name} is a valid environment name (null is not). */
  public static boolean isValid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }

  /**
   * Returns {@code name} when it is valid.
   *
   * @throws IllegalArgumentException when it is not; the message quotes at most a short, printable
   *     prefix of the name, so hostile input cannot forge log lines
   */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          (name == null ? "an environment name is required" : "environment name " + quoted(name))
              + ": use 1 to 63 lowercase letters, digits and '-', starting with a letter");
    }
    return name;
  }

  private static String quoted(String name) {
    String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
    return "'" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "' is not valid";
  }
}
