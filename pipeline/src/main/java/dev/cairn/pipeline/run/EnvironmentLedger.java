package dev.cairn.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What Cairn knows of one environment: its last good release, the commits marked bad, the run that
 * holds its deploy slot and the newest run deployed. Kept in {@code
 * CAIRN_HOME/environments/<env>.json}. (The audit trail in git will be the source this is derived
 * from; see issue 4.)
 */
public final class EnvironmentLedger {
  private final Path file;

  /**
   * The last good release.
   *
   * @param commit the commit
   * @param artifact its artifact digest
   * @param releaseId the release process that ran it
   * @param runId the run that deployed it
   */
  public record LastGood(String commit, String artifact, String releaseId, String runId) {}

  EnvironmentLedger(Path file) {
    this.file = file;
  }

  /** The ledger of an environment in a CAIRN_HOME, for readers outside a running service. */
  public static EnvironmentLedger of(Path home, String environment) {
    return new EnvironmentLedger(home.resolve("environments").resolve(environment + ".json"));
  }

  /** The last release that passed its bake, if any. */
  public synchronized Optional<LastGood> lastGood() {
    JsonNode node = JsonFiles.read(file).get("lastGood");
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    return Optional.of(
        new LastGood(
            node.path("commit").asText(),
            node.path("artifact").asText(),
            node.path("releaseId").asText(),
            node.path("runId").asText()));
  }

  synchronized void setLastGood(LastGood lastGood, long sequence) {
    ObjectNode state = JsonFiles.read(file);
    ObjectNode node = state.putObject("lastGood");
    node.put("commit", lastGood.commit());
    node.put("artifact", lastGood.artifact());
    node.put("releaseId", lastGood.releaseId());
    node.put("runId", lastGood.runId());
    state.put("deployedSequence", Math.max(sequence, state.path("deployedSequence").asLong(0)));
    ArrayNode history =
        state.has("goodHistory")
            ? (ArrayNode) state.get("goodHistory")
            : state.putArray("goodHistory");
    history.add(lastGood.commit());
    JsonFiles.write(file, state);
  }

  /** The good release before the current one that is not marked bad, if any. */
  public synchronized Optional<String> previousGood() {
    ObjectNode state = JsonFiles.read(file);
    String current = state.path("lastGood").path("commit").asText(null);
    JsonNode history = state.path("goodHistory");
    for (int i = history.size() - 1; i >= 0; i--) {
      String commit = history.get(i).asText();
      if (!commit.equals(current) && !isBad(commit)) {
        return Optional.of(commit);
      }
    }
    return Optional.empty();
  }

  /** The sequence number of the newest run deployed here (0 for none). */
  public synchronized long deployedSequence() {
    return JsonFiles.read(file).path("deployedSequence").asLong(0);
  }

  /** The sequence number of the newest run granted the deploy slot here (0 for none). */
  public synchronized long grantedSequence() {
    return JsonFiles.read(file).path("grantedSequence").asLong(0);
  }

  synchronized void setGrantedSequence(long sequence) {
    ObjectNode state = JsonFiles.read(file);
    state.put("grantedSequence", Math.max(sequence, state.path("grantedSequence").asLong(0)));
    JsonFiles.write(file, state);
  }

  /** True when the commit failed in this environment and must not be deployed automatically. */
  public synchronized boolean isBad(String commit) {
    for (JsonNode bad : JsonFiles.read(file).path("bad")) {
      if (bad.asText().equals(commit)) {
        return true;
      }
    }
    return false;
  }

  synchronized void markBad(String commit) {
    if (isBad(commit)) {
      return;
    }
    ObjectNode state = JsonFiles.read(file);
    ArrayNode bad = state.has("bad") ? (ArrayNode) state.get("bad") : state.putArray("bad");
    bad.add(commit);
    JsonFiles.write(file, state);
  }

  /** The run holding the deploy slot, if any. */
  public synchronized Optional<String> holder() {
    JsonNode holder = JsonFiles.read(file).get("holder");
    return holder == null || holder.isNull() ? Optional.empty() : Optional.of(holder.asText());
  }

  synchronized void setHolder(String runId) {
    ObjectNode state = JsonFiles.read(file);
    if (runId == null) {
      state.remove("holder");
    } else {
      state.put("holder", runId);
    }
    JsonFiles.write(file, state);
  }
}
