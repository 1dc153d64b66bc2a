package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A ResultPath: where a state's result is placed in its raw input. {@code $} replaces the input
 * whole; {@code $.a.b} creates the objects on the way. (A null ResultPath, which discards the
 * result, is handled by the caller.)
 */
public final class ReferencePath {
  // STUB: implemented by the paths work.
  private final String text;

  private ReferencePath(String text) {
    this.text = text;
  }

  /**
   * Parses a reference path.
   *
   * @throws InvalidPathException when the text is not a reference path (no wildcards, filters,
   *     slices or unions; not the context object)
   */
  public static ReferencePath parse(String text) {
    return new ReferencePath(text);
  }

  /** The path as written. */
  public String text() {
    return text;
  }

  /**
   * Places {@code result} into a copy of {@code input}; {@code input} is not modified.
   *
   * @throws dev.cairn.engine.error.StatesException {@code States.ResultPathMatchFailure} when the
   *     path cannot be applied to the input (e.g. it descends into a string)
   */
  public JsonNode apply(JsonNode input, JsonNode result) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public String toString() {
    return text;
  }
}
