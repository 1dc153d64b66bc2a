package dev.cairn.git;

import java.util.regex.Pattern;

/**
 * A remote URL setting that may name the repository: {@code https://github.com/{repository}.git}.
 */
public final class RemoteTemplate {
  /** The placeholder. */
  public static final String PLACEHOLDER = "{repository}";

  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

  private RemoteTemplate() {}

  /**
   * The remote for {@code repository}.
   *
   * @throws IllegalArgumentException when the template needs a repository and none (or a malformed
   *     one) is given
   */
  public static String resolve(String template, String repository) {
    if (!template.contains(PLACEHOLDER)) {
      return template;
    }
    if (!REPOSITORY.matcher(repository).matches() || repository.contains("..")) {
      throw new IllegalArgumentException(
          "the input needs \"repository\": \"owner/name\" (got \"" + repository + "\")");
    }
    return template.replace(PLACEHOLDER, repository);
  }
}
