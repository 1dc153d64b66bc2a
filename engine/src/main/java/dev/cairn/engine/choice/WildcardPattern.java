package dev.cairn.engine.choice;

import dev.cairn.engine.error.StatesException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code StringMatches} pattern: {@code *} matches any run of characters, {@code \*} is a literal
 * star and {@code \\} a literal backslash. Split into literal segments once, so matching needs no
 * regular expression.
 */
final class WildcardPattern {
  private final String text;
  private final String[] segments;
  private final boolean valid;

  private WildcardPattern(String text, String[] segments, boolean valid) {
    this.text = text;
    this.segments = segments;
    this.valid = valid;
  }

  /**
   * Compiles a pattern. A pattern with an open escape (a backslash before anything but {@code *} or
   * {@code \}) compiles to one that fails when used, as the spec prescribes a runtime error.
   */
  static WildcardPattern compile(String text) {
    List<String> segments = new ArrayList<>();
    StringBuilder segment = new StringBuilder();
    boolean valid = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        if (next == '*' || next == '\\') {
          segment.append(next);
          i++;
        } else {
          valid = false;
        }
      } else if (c == '*') {
        segments.add(segment.toString());
        segment.setLength(0);
      } else {
        segment.append(c);
      }
    }
    segments.add(segment.toString());
    return new WildcardPattern(text, segments.toArray(String[]::new), valid);
  }

  /** True when the pattern contains no open escape. */
  boolean isValid() {
    return valid;
  }

  /**
   * Whether the whole value matches. Segments are literal text separated by stars: the first must
   * start the value, the last must end it, and the ones between are found leftmost-first, which is
   * enough because a star can absorb whatever lies between them.
   */
  boolean matches(String value) {
    if (!valid) {
      throw StatesException.runtime(
          "Invalid StringMatches pattern '" + text + "': a backslash may only escape '*' or '\\'.");
    }
    String first = segments[0];
    if (segments.length == 1) {
      return value.equals(first);
    }
    String last = segments[segments.length - 1];
    if (value.length() < first.length() + last.length()
        || !value.startsWith(first)
        || !value.endsWith(last)) {
      return false;
    }
    int position = first.length();
    int end = value.length() - last.length();
    for (int i = 1; i < segments.length - 1; i++) {
      String middle = segments[i];
      int found = value.indexOf(middle, position);
      if (found < 0 || found + middle.length() > end) {
        return false;
      }
      position = found + middle.length();
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
