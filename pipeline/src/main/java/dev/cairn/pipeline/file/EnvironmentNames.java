package dev.cairn.pipeline.file;

import java.util.regex.Pattern;

/**
 * The rule for environment names, checked wherever a name comes from outside (the pipeline file,
 * the API, the command line, payloads on AWS, files read back) before it is used for anything — in
 * particular before it becomes part of a file name or an object key.
 */
public final class EnvironmentNames {
  /** Lower-case letters, digits and dashes, starting with a letter: at most 63 characters. */
  public static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private EnvironmentNames() {}

  /** True when {@code name} is a valid environment name. */
  public static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Returns {@code name} if it is a valid environment name.
   *
   * @throws IllegalArgumentException naming the rule otherwise (the name is quoted, cut to 64
   *     characters)
   */
  public static String require(String name) {
    if (!valid(name)) {
      String shown = name == null ? "null" : name.length() > 64 ? name.substring(0, 64) : name;
      throw new IllegalArgumentException(
          "'"
              + shown
              + "' is not an environment name: lower-case letters, digits and dashes, starting"
              + " with a letter, at most 63 characters");
    }
    return name;
  }
}
