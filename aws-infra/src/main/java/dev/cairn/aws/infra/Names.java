package dev.cairn.aws.infra;

/** Construct ids and stack names from configured names (no CDK types: the CLI uses it too). */
final class Names {
  private Names() {}

  /** {@code notes-eu} → {@code NotesEu}. */
  static String camel(String name) {
    StringBuilder result = new StringBuilder();
    for (String part : name.split("-")) {
      if (!part.isEmpty()) {
        result.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return result.toString();
  }
}
