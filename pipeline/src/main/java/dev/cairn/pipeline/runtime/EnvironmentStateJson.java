package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of an {@link EnvironmentState} ({@code cairn.environment/v1}), the same on every
 * store. It reads what earlier versions wrote too: the local ledger files (a run id as {@code
 * holder}) and the AWS queue files ({@code cairn.queue/v1}).
 */
public final class EnvironmentStateJson {
  /** The schema written into every state. */
  public static final String SCHEMA = "cairn.environment/v1";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EnvironmentStateJson() {}

  /** The JSON object of the state. */
  public static ObjectNode write(EnvironmentState state) {
    ObjectNode o = NODES.objectNode();
    o.put("schema", SCHEMA);
    o.put("environment", state.environment());
    state
        .lastGood()
        .ifPresent(
            good -> {
              ObjectNode node = o.putObject("lastGood");
              node.put("commit", good.commit());
              node.put("artifact", good.artifact());
              node.put("releaseId", good.releaseId());
              node.put("runId", good.runId());
            });
    state.goodHistory().forEach(o.putArray("goodHistory")::add);
    state.bad().forEach(o.putArray("bad")::add);
    state.holder().ifPresent(h -> o.set("holder", slot(h)));
    state.waiting().forEach(w -> o.withArray("waiting").add(slot(w)));
    if (state.waiting().isEmpty()) {
      o.putArray("waiting");
    }
    o.put("grantedSequence", state.grantedSequence());
    o.put("deployedSequence", state.deployedSequence());
    return o;
  }

  /**
   * The state of a JSON object; fields it lacks are empty.
   *
   * @param environment the environment the object belongs to (older files do not name it)
   */
  public static EnvironmentState read(String environment, JsonNode o) {
    JsonNode good = o.get("lastGood");
    Optional<EnvironmentState.LastGood> lastGood =
        good == null || !good.isObject()
            ? Optional.empty()
            : Optional.of(
                new EnvironmentState.LastGood(
                    good.path("commit").asText(),
                    good.path("artifact").asText(""),
                    good.path("releaseId").asText(""),
                    good.path("runId").asText("")));
    JsonNode holder = o.path("holder");
    Optional<EnvironmentState.Slot> slot =
        holder.isObject()
            ? Optional.of(slot(holder))
            // Local ledgers before the shared runtime kept only the holder's run id.
            : holder.isTextual()
                ? Optional.of(new EnvironmentState.Slot(holder.asText(), 0, "", ""))
                : Optional.empty();
    List<EnvironmentState.Slot> waiting = new ArrayList<>();
    o.path("waiting").forEach(w -> waiting.add(slot(w)));
    return new EnvironmentState(
        environment,
        lastGood,
        texts(o.path("goodHistory")),
        texts(o.path("bad")),
        slot,
        waiting,
        o.path("grantedSequence").asLong(0),
        o.path("deployedSequence").asLong(0));
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static ObjectNode slot(EnvironmentState.Slot slot) {
    ObjectNode o = NODES.objectNode();
    o.put("run", slot.run());
    o.put("sequence", slot.sequence());
    o.put("commit", slot.commit());
    o.put("token", slot.token());
    return o;
  }

  private static EnvironmentState.Slot slot(JsonNode o) {
    return new EnvironmentState.Slot(
        o.path("run").asText(),
        o.path("sequence").asLong(),
        o.path("commit").asText(),
        o.path("token").asText());
  }
}
