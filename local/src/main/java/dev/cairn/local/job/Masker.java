package dev.cairn.local.job;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Replaces secret values in a line of output by {@code ***}. */
final class Masker {
  static final String MASK = "***";

  private final List<String> values;

  Masker(Set<String> masked) {
    // Longest first: when one secret contains another, the whole longer one must disappear.
    this.values =
        masked.stream()
            .filter(v -> !v.isEmpty())
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  String mask(String line) {
    String result = line;
    for (String value : values) {
      if (result.contains(value)) {
        result = result.replace(value, MASK);
      }
    }
    return result;
  }
}
