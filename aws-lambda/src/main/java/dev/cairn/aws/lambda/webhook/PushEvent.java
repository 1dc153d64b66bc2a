package dev.cairn.aws.lambda.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;

/**
 * What Cairn takes from a GitHub push: the detail of the EventBridge event that starts a run.
 *
 * @param repository {@code owner/name}
 * @param cloneUrl the repository's HTTPS clone URL
 * @param ref the pushed ref, e.g. {@code refs/heads/main}
 * @param before the ref's commit before the push (40 zeros for a new branch)
 * @param after the ref's commit after the push
 * @param pusher who pushed (GitHub login)
 * @param headMessage the first line of the head commit's message, or empty
 * @param deliveryId GitHub's delivery id ({@code X-GitHub-Delivery})
 */
public record PushEvent(
    String repository,
    String cloneUrl,
    String ref,
    String before,
    String after,
    String pusher,
    String headMessage,
    String deliveryId) {

  /** The {@code after} of a push that deleted the ref. */
  public static final String ZERO = "0000000000000000000000000000000000000000";

  /**
   * Reads a push payload.
   *
   * @throws IllegalArgumentException naming the first missing field
   */
  public static PushEvent fromPayload(JsonNode payload, String deliveryId) {
    String message = text(payload.path("head_commit"), "message", "");
    int newline = message.indexOf('\n');
    return new PushEvent(
        required(payload.path("repository"), "full_name", "repository.full_name"),
        text(payload.path("repository"), "clone_url", ""),
        required(payload, "ref", "ref"),
        required(payload, "before", "before"),
        required(payload, "after", "after"),
        text(payload.path("pusher"), "name", text(payload.path("sender"), "login", "")),
        newline < 0 ? message : message.substring(0, newline),
        deliveryId);
  }

  /** True when the push deleted the ref: there is nothing to build. */
  public boolean deleted() {
    return ZERO.equals(after);
  }

  /**
   * The run this push starts: the delivery id, so that it can be the execution name, which Step
   * Functions keeps unique (a push is never run twice).
   */
  public String runId() {
    return deliveryId;
  }

  /**
   * The event detail put on the bus. Besides the push's facts it holds {@code run}, the state
   * machine's input in the shape the compiled pipeline expects, so the rule's target passes {@code
   * $.detail} as the execution input unchanged.
   */
  public ObjectNode detail() {
    ObjectNode detail = Json.object();
    detail.put("repository", repository);
    detail.put("cloneUrl", cloneUrl);
    detail.put("ref", ref);
    detail.put("before", before);
    detail.put("after", after);
    detail.put("pusher", pusher);
    detail.put("message", headMessage);
    detail.put("deliveryId", deliveryId);
    ObjectNode run = detail.putObject("run");
    run.put("id", runId());
    run.put("commit", after);
    run.put("message", headMessage);
    run.put("trigger", "push");
    run.put("pusher", pusher);
    run.put("repository", repository);
    return detail;
  }

  private static String required(JsonNode node, String field, String path) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException("the push payload has no " + path);
    }
    return value.asText();
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : fallback;
  }
}
