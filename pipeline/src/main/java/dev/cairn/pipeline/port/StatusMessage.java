package dev.cairn.pipeline.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * One status message about a run: what the dashboard shows and what becomes a commit status on the
 * git host. It carries no secrets: the description is built from already-masked pipeline events,
 * never from environment values, connection strings or command lines.
 *
 * <p>The JSON form ({@link #toJson()}, {@link #fromJson(String)}) is what travels on SQS: {@code
 * {"schema":"cairn.status/v1","run":..,"commit":..,"environment":..,"state":"success",
 * "description":..,"at":"2026-01-01T00:00:00Z"}}; {@code environment} is absent for builds.
 *
 * @param run the run's id
 * @param commit the application commit
 * @param environment the environment, or null for messages about the build
 * @param state the commit-status state
 * @param description one line for people, e.g. "deployed to production"
 * @param at when it happened (consumers drop a message older than one already applied)
 */
public record StatusMessage(
    String run, String commit, String environment, State state, String description, Instant at) {

  /** The schema identifier in every JSON message; readers reject other values. */
  public static final String SCHEMA = "cairn.status/v1";

  /** The states of a commit status (those of the common git hosts). */
  public enum State {
    /** The run is going on. */
    PENDING,
    /** The build or deployment succeeded. */
    SUCCESS,
    /** The build or deployment failed because of the commit (or was rolled back). */
    FAILURE,
    /** Cairn itself could not finish (infrastructure failure). */
    ERROR;

    /** The lower-case wire name, e.g. {@code success}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException when a required field is missing or the description has more
   *     than one line
   */
  public StatusMessage {
    require(run != null && !run.isBlank(), "run is missing");
    require(commit != null && !commit.isBlank(), "commit is missing");
    require(environment == null || !environment.isBlank(), "environment is blank");
    require(state != null, "state is missing");
    Objects.requireNonNull(description, "description");
    require(description.indexOf('\n') < 0, "description has more than one line");
    require(at != null, "at is missing");
  }

  /** The JSON object of this message. */
  public ObjectNode toJsonNode() {
    ObjectNode o = Json.object();
    o.put("schema", SCHEMA);
    o.put("run", run);
    o.put("commit", commit);
    if (environment != null) {
      o.put("environment", environment);
    }
    o.put("state", state.wireName());
    o.put("description", description);
    o.put("at", at.toString());
    return o;
  }

  /** The compact JSON text of this message. */
  public String toJson() {
    return Json.write(toJsonNode());
  }

  /**
   * Reads a message written by {@link #toJson()}; unknown fields are ignored.
   *
   * @throws IllegalArgumentException when the text is not such a message
   */
  public static StatusMessage fromJson(String text) {
    JsonNode o;
    try {
      o = Json.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a status message is not JSON: " + e.getMessage(), e);
    }
    require(o != null && o.isObject(), "a status message is a JSON object");
    String schema = o.path("schema").asText(null);
    require(SCHEMA.equals(schema), "unsupported status message schema: " + schema);
    String state = o.path("state").asText("");
    State parsed;
    try {
      parsed = State.valueOf(state.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown status state: '" + state + "'", e);
    }
    Instant at;
    try {
      at = Instant.parse(o.path("at").asText(""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("at is not an instant: " + o.path("at"), e);
    }
    return new StatusMessage(
        o.path("run").asText(null),
        o.path("commit").asText(null),
        o.hasNonNull("environment") ? o.get("environment").asText() : null,
        parsed,
        o.path("description").asText(""),
        at);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
