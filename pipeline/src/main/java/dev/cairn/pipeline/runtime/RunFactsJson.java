package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of {@link RunFacts}, the same on every store ({@code run.json}): the run's fields
 * at the top, and each per-environment field as an object keyed by environment ({@code "releases":
 * {"production": "..."}}), the layout runs written before the typed facts already have.
 */
public final class RunFactsJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RunFactsJson() {}

  /** The JSON object of the facts. */
  public static ObjectNode write(RunFacts facts) {
    ObjectNode o = NODES.objectNode();
    o.put("id", facts.id());
    o.put("commit", facts.commit());
    putIf(o, "tree", facts.tree());
    putIf(o, "message", facts.message());
    o.put("trigger", facts.trigger().wireName());
    putIf(o, "actor", facts.actor());
    putIf(o, "repository", facts.repository());
    putIf(o, "environment", facts.onlyEnvironment());
    o.put("sequence", facts.sequence());
    putIf(o, "submittedAt", facts.submittedAt());
    putIf(o, "pipelineFile", facts.pipelineFile());
    putIf(o, "buildStartedAt", facts.buildStartedAt());
    putIf(o, "artifact", facts.artifact());
    putIf(o, "outcome", facts.outcome());
    if (facts.buildFailure() != null) {
      write(o.putObject("buildFailure"), facts.buildFailure());
    }
    facts
        .deployments()
        .forEach(
            (environment, d) -> {
              if (d.startedAt() != null) {
                o.with("deployStartedAt").put(environment, d.startedAt().toString());
              }
              if (d.previousRelease() != null) {
                o.with("previousRelease").put(environment, d.previousRelease());
              }
              if (d.releaseId() != null) {
                o.with("releases").put(environment, d.releaseId());
              }
              if (d.switched()) {
                o.with("switched").put(environment, true);
              }
              if (d.outcome() != null) {
                o.with("outcomes").put(environment, d.outcome());
              }
              if (d.rolledBackTo() != null) {
                o.with("rolledBackTo").put(environment, d.rolledBackTo());
              }
              if (d.revertAttempted()) {
                o.with("revertAttempted").put(environment, true);
              }
              if (d.failure() != null) {
                write(o.with("deploymentFailures").putObject(environment), d.failure());
              }
              if (d.supersededBy() != null) {
                o.with("supersededBy").put(environment, d.supersededBy());
              }
            });
    return o;
  }

  /**
   * The facts of a JSON object.
   *
   * @throws IllegalArgumentException when it has no run id or commit
   */
  public static RunFacts read(JsonNode o) {
    String id = text(o, "id");
    String commit = text(o, "commit");
    if (id == null || commit == null) {
      throw new IllegalArgumentException("run facts without an id or a commit");
    }
    Set<String> environments = new LinkedHashSet<>();
    for (String field :
        new String[] {
          "deployStartedAt",
          "previousRelease",
          "releases",
          "switched",
          "outcomes",
          "rolledBackTo",
          "revertAttempted",
          "supersededBy",
          "deploymentFailures"
        }) {
      o.path(field).fieldNames().forEachRemaining(environments::add);
    }
    Map<String, RunFacts.Deployment> deployments = new LinkedHashMap<>();
    for (String environment : environments) {
      deployments.put(
          environment,
          new RunFacts.Deployment(
              instant(o.path("deployStartedAt").path(environment).asText(null)),
              o.path("previousRelease").path(environment).asText(null),
              o.path("releases").path(environment).asText(null),
              o.path("switched").path(environment).asBoolean(false),
              o.path("outcomes").path(environment).asText(null),
              o.path("rolledBackTo").path(environment).asText(null),
              o.path("revertAttempted").path(environment).asBoolean(false),
              o.path("supersededBy").path(environment).asText(null),
              failure(o.path("deploymentFailures").path(environment))));
    }
    return new RunFacts(
        id,
        commit,
        text(o, "tree"),
        text(o, "message"),
        RunFacts.Trigger.of(o.path("trigger").asText("push")),
        text(o, "actor"),
        text(o, "repository"),
        text(o, "environment"),
        o.path("sequence").asLong(0),
        instant(text(o, "submittedAt")),
        text(o, "pipelineFile"),
        instant(text(o, "buildStartedAt")),
        text(o, "artifact"),
        text(o, "outcome"),
        failure(o.path("buildFailure")),
        deployments);
  }

  private static void write(ObjectNode o, RunFacts.Failure failure) {
    o.put("error", failure.error()).put("cause", failure.cause());
  }

  /** A failure from {@code {"error", "cause"}}, or null when the node is not an object. */
  private static RunFacts.Failure failure(JsonNode node) {
    return node.isObject()
        ? new RunFacts.Failure(node.path("error").asText(), node.path("cause").asText(null))
        : null;
  }

  private static void putIf(ObjectNode o, String field, Object value) {
    if (value != null) {
      o.put(field, value.toString());
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode value = o.get(field);
    return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
  }

  /** An instant from its ISO-8601 text, or null when absent or unreadable. */
  static Instant instant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
