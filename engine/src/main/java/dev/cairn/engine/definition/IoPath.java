package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.JsonPath;

/**
 * An InputPath or OutputPath: {@code $} (the default: the whole value), a path, or JSON {@code
 * null} (the value becomes {@code {}}).
 */
public final class IoPath {
  /** {@code $}: the value passes unchanged. */
  public static final IoPath WHOLE = new IoPath(null, false);

  /** JSON {@code null}: the value becomes an empty object. */
  public static final IoPath EMPTY = new IoPath(null, true);

  private final JsonPath path;
  private final boolean empty;

  private IoPath(JsonPath path, boolean empty) {
    this.path = path;
    this.empty = empty;
  }

  /** A path; {@code $} itself is {@link #WHOLE}. */
  public static IoPath of(JsonPath path) {
    return path.text().equals("$") ? WHOLE : new IoPath(path, false);
  }

  /** The path, or null for {@link #WHOLE} and {@link #EMPTY}. */
  public JsonPath path() {
    return path;
  }

  /**
   * Selects the value.
   *
   * @param field {@code InputPath} or {@code OutputPath}, for error messages
   */
  public JsonNode apply(EvaluationContext context, String field) {
    if (empty) {
      return Json.object();
    }
    return path == null ? context.input() : path.select(context, field);
  }

  @Override
  public String toString() {
    return empty ? "null" : path == null ? "$" : path.text();
  }
}
