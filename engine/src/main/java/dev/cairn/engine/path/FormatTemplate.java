package dev.cairn.engine.path;

import java.util.ArrayList;
import java.util.List;

/**
 * A States.Format template split into literal text and {@code {}} placeholders. Inside it {@code
 * \{}, {@code \}}, {@code \'} and {@code \\} stand for the character itself; any other backslash is
 * kept as written.
 */
final class FormatTemplate {
  private final String[] texts;

  private FormatTemplate(String[] texts) {
    this.texts = texts;
  }

  /**
   * Splits a template.
   *
   * @throws IllegalArgumentException with the problem when a brace is not part of {@code {}}
   */
  static FormatTemplate parse(String raw) {
    List<String> texts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() && "{}'\\".indexOf(raw.charAt(i + 1)) >= 0) {
        text.append(raw.charAt(++i));
      } else if (c == '{') {
        if (i + 1 >= raw.length() || raw.charAt(i + 1) != '}') {
          throw new IllegalArgumentException("matching '}' not found for '{'.");
        }
        texts.add(text.toString());
        text.setLength(0);
        i++;
      } else if (c == '}') {
        throw new IllegalArgumentException("unexpected '}' without a matching '{'.");
      } else {
        text.append(c);
      }
    }
    texts.add(text.toString());
    return new FormatTemplate(texts.toArray(String[]::new));
  }

  /** How many {@code {}} the template has. */
  int placeholders() {
    return texts.length - 1;
  }

  /** The template with the placeholders replaced, in order, by {@code values}. */
  String fill(List<String> values) {
    StringBuilder result = new StringBuilder(texts[0]);
    for (int i = 1; i < texts.length; i++) {
      result.append(values.get(i - 1)).append(texts[i]);
    }
    return result.toString();
  }
}
