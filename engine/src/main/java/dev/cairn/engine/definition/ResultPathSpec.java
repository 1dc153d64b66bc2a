package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.path.ReferencePath;

/**
 * A ResultPath: {@code $} (the default: the result replaces the input), a reference path into the
 * input, or JSON {@code null} (the result is discarded and the input passes through).
 */
public final class ResultPathSpec {
  /** {@code $}: the result replaces the input. */
  public static final ResultPathSpec REPLACE = new ResultPathSpec(null, false);

  /** JSON {@code null}: the result is discarded. */
  public static final ResultPathSpec DISCARD = new ResultPathSpec(null, true);

  private final ReferencePath path;
  private final boolean discard;

  private ResultPathSpec(ReferencePath path, boolean discard) {
    this.path = path;
    this.discard = discard;
  }

  /** A reference path; {@code $} itself is {@link #REPLACE}. */
  public static ResultPathSpec of(ReferencePath path) {
    return path.text().equals("$") ? REPLACE : new ResultPathSpec(path, false);
  }

  /**
   * Combines the state's raw input with its result.
   *
   * @throws dev.cairn.engine.error.StatesException {@code States.ResultPathMatchFailure} when the
   *     path cannot be applied to the input
   */
  public JsonNode apply(JsonNode rawInput, JsonNode result) {
    if (discard) {
      return rawInput;
    }
    return path == null ? result : path.apply(rawInput, result);
  }

  @Override
  public String toString() {
    return discard ? "null" : path == null ? "$" : path.text();
  }
}
