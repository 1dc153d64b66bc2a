package dev.cairn.aws.lambda.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The deploy queue of one environment of one repository, as kept in S3 ({@code
 * <prefix>queue/<environment>.json}, schema {@code cairn.queue/v1}): the run holding the deploy
 * slot, the runs waiting for it (with their task tokens), the highest sequence number ever granted,
 * and the commits marked bad here (rolled back).
 *
 * @param environment the environment
 * @param holder the run deploying now, or empty
 * @param grantedSequence the sequence number of the newest run granted the slot (0 for none); never
 *     goes down
 * @param waiting the runs waiting for the slot
 * @param bad commits rolled back here, never deployed again automatically
 */
public record QueueState(
    String environment,
    Optional<Slot> holder,
    long grantedSequence,
    List<Slot> waiting,
    List<String> bad) {
  /** The schema written into every state file. */
  public static final String SCHEMA = "cairn.queue/v1";

  /** Copies the lists. */
  public QueueState {
    waiting = List.copyOf(waiting);
    bad = List.copyOf(bad);
  }

  /**
   * A run at the queue.
   *
   * @param run the run id
   * @param sequence its sequence number (newer runs have higher numbers)
   * @param commit the commit it deploys
   * @param token the task token its queue state waits on (a credential: never logged)
   */
  public record Slot(String run, long sequence, String commit, String token) {
    @Override
    public String toString() {
      // The token completes the waiting task: keep it out of any message or log line.
      return "Slot[run=" + run + ", sequence=" + sequence + ", commit=" + commit + "]";
    }
  }

  /** The state of an environment nobody has queued for yet. */
  public static QueueState empty(String environment) {
    return new QueueState(environment, Optional.empty(), 0, List.of(), List.of());
  }

  /** True when the commit is marked bad here. */
  public boolean isBad(String commit) {
    return bad.contains(commit);
  }

  /** The state as stored. */
  public ObjectNode toJson() {
    ObjectNode json = Json.object();
    json.put("schema", SCHEMA);
    json.put("environment", environment);
    holder.ifPresentOrElse(h -> json.set("holder", slot(h)), () -> json.putNull("holder"));
    json.put("grantedSequence", grantedSequence);
    waiting.forEach(w -> json.withArray("waiting").add(slot(w)));
    if (waiting.isEmpty()) {
      json.putArray("waiting");
    }
    json.putArray("bad");
    bad.forEach(json.withArray("bad")::add);
    return json;
  }

  /**
   * Reads a stored state.
   *
   * @throws IllegalArgumentException when it is not a {@code cairn.queue/v1} document
   */
  public static QueueState fromJson(JsonNode json) {
    if (!SCHEMA.equals(json.path("schema").asText())) {
      throw new IllegalArgumentException(
          "not a " + SCHEMA + " document (schema: " + json.path("schema").asText("none") + ")");
    }
    List<Slot> waiting = new ArrayList<>();
    json.path("waiting").forEach(w -> waiting.add(slot(w)));
    List<String> bad = new ArrayList<>();
    json.path("bad").forEach(b -> bad.add(b.asText()));
    JsonNode holder = json.path("holder");
    return new QueueState(
        json.path("environment").asText(),
        holder.isObject() ? Optional.of(slot(holder)) : Optional.empty(),
        json.path("grantedSequence").asLong(0),
        waiting,
        bad);
  }

  private static ObjectNode slot(Slot slot) {
    ObjectNode json = Json.object();
    json.put("run", slot.run());
    json.put("sequence", slot.sequence());
    json.put("commit", slot.commit());
    json.put("token", slot.token());
    return json;
  }

  private static Slot slot(JsonNode json) {
    return new Slot(
        json.path("run").asText(),
        json.path("sequence").asLong(),
        json.path("commit").asText(),
        json.path("token").asText());
  }
}
