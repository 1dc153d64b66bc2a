package dev.cairn.pipeline.secret;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secret values in a line of output by {@code ***}: the values themselves, and the forms a
 * step most easily prints them in by accident or on purpose.
 *
 * <ul>
 *   <li>each line of a multi-line value (a PEM key is printed line by line);
 *   <li>Base64 (standard and URL-safe, with or without padding, and at each of the three byte
 *       alignments inside a longer Base64 text);
 *   <li>hexadecimal (lower and upper case), percent-encoding, and the value reversed.
 * </ul>
 *
 * <p>What it cannot catch (documented in {@code docs/security.md}): any other transformation
 * (compression, encryption, character-by-character output, a value split across lines). Masking
 * protects logs against mistakes; it is not a boundary against a hostile step, which is why Cairn's
 * own credentials are in a store no pipeline can name at all.
 */
public final class Masker {
  /** What a masked value is replaced by. */
  public static final String MASK = "***";

  /** Shorter derived forms (and lines of a value) are not masked: they would mask everything. */
  private static final int MIN_DERIVED = 6;

  private final List<String> values;

  /** A masker of these values and their encodings. */
  public Masker(Set<String> masked) {
    Set<String> forms = new LinkedHashSet<>();
    for (String value : masked) {
      if (value == null || value.isEmpty()) {
        continue;
      }
      forms.add(value);
      if (value.length() >= MIN_DERIVED) {
        derived(value, forms);
      }
    }
    // Longest first: when one form contains another, the whole longer one must disappear.
    this.values =
        forms.stream()
            .filter(v -> !v.isEmpty())
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  private static void derived(String value, Set<String> forms) {
    for (String line : value.split("\r?\n")) {
      if (line.strip().length() >= MIN_DERIVED) {
        forms.add(line.strip());
      }
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    String standard = Base64.getEncoder().encodeToString(bytes);
    forms.add(standard);
    forms.add(standard.replace('+', '-').replace('/', '_'));
    // Inside a longer Base64 text the value starts at any of three byte offsets; the characters
    // that depend only on the value's own bits are the same whatever surrounds it.
    for (int offset = 0; offset < 3; offset++) {
      byte[] shifted = new byte[offset + bytes.length];
      System.arraycopy(bytes, 0, shifted, offset, bytes.length);
      String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
      int start = (offset * 8 + 5) / 6;
      int end = (shifted.length * 8) / 6;
      if (end - start >= MIN_DERIVED) {
        String core = encoded.substring(start, end);
        forms.add(core);
        forms.add(core.replace('+', '-').replace('/', '_'));
      }
    }
    String hex = HexFormat.of().formatHex(bytes);
    forms.add(hex);
    forms.add(hex.toUpperCase(java.util.Locale.ROOT));
    forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
    forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    forms.add(new StringBuilder(value).reverse().toString());
  }

  /** The line with every masked form replaced. */
  public String mask(String line) {
    String result = line;
    for (String value : values) {
      if (result.contains(value)) {
        result = result.replace(value, MASK);
      }
    }
    return result;
  }

  /** Masks a text of several lines, line by line and as a whole. */
  public String maskText(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : mask(text).split("\n", -1)) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(mask(line));
    }
    return out.toString();
  }

  /**
   * The last {@code count} lines of a log file, masked: what error messages and {@code cairn logs}
   * quote of a release's, a proxy's or a service's output.
   *
   * @throws IOException when the file cannot be read
   */
  public String tail(Path log, int count) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return maskText(
        String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size())));
  }
}
