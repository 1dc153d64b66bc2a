package dev.cairn.pipeline.audit;

import java.util.regex.Pattern;

/** The checks every field of an audit record passes, shared by the header and the details. */
final class AuditFields {
  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** A ref name below {@code refs/tags/} or {@code refs/heads/}: safe slash-separated parts. */
  private static final Pattern REF_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}(/[A-Za-z0-9][A-Za-z0-9._-]{0,62}){0,4}");

  private AuditFields() {}

  /** An optional object id: null, or full lower-case hex. */
  static String objectId(String field, String value) {
    if (value != null) {
      require(OBJECT_ID.matcher(value).matches(), field + " must be a full lower-case object id");
    }
    return value;
  }

  /** An optional ref name below {@code refs/tags/} or {@code refs/heads/}. */
  static String refName(String field, String value) {
    if (value != null) {
      require(
          REF_NAME.matcher(value).matches() && !value.contains("..") && !value.endsWith(".lock"),
          field + " is not a safe ref name: " + value);
    }
    return value;
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Subjects, trailers and file names are single lines; a stray newline must not forge a trailer.
   */
  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    String line = s.strip().replaceAll("[\\r\\n\\t\\x00-\\x1f\\x7f]+", " ");
    return line.isEmpty() ? null : line;
  }
}
