package dev.cairn.pipeline.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.AuditHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds lost environment ledgers ({@code CAIRN_HOME/environments/<env>.json}) from the audit
 * trail, so that a Cairn that lost its state directory still rolls back to the right commit and
 * still refuses to redeploy a bad one. Ledgers that exist are left alone: they are at least as new
 * as the trail (records are written after the ledger changes).
 */
public final class LedgerRecovery {
  private LedgerRecovery() {}

  /**
   * Writes the ledger of every environment the trail names and {@code home} has no ledger for.
   *
   * @param home CAIRN_HOME
   * @param history the audit trail
   * @return the environments whose ledgers were written, by name
   * @throws IOException when the trail cannot be read; nothing was written then
   */
  public static List<String> seedMissing(Path home, AuditHistory history) throws IOException {
    Map<String, ReleaseMemory.Environment> environments = ReleaseMemory.derive(history.entries());
    List<String> seeded = new ArrayList<>();
    Path directory = home.resolve("environments");
    for (ReleaseMemory.Environment environment : environments.values()) {
      Path file = directory.resolve(environment.name() + ".json");
      if (Files.exists(file)) {
        continue;
      }
      JsonFiles.write(file, ledgerOf(environment));
      seeded.add(environment.name());
    }
    return seeded;
  }

  /** The ledger's JSON for what the trail says; no release process is known, so none is named. */
  static ObjectNode ledgerOf(ReleaseMemory.Environment environment) {
    ObjectNode state = Json.object();
    environment
        .lastGood()
        .ifPresent(
            good -> {
              ObjectNode node = state.putObject("lastGood");
              node.put("commit", good.commit());
              node.put("artifact", good.artifact() == null ? "" : good.artifact());
              node.put("releaseId", "");
              // The run id names the directory a rollback extracts the artifact into: never empty.
              node.put(
                  "runId",
                  good.run() == null ? "recovered-" + good.commit().substring(0, 12) : good.run());
            });
    ArrayNode history = state.putArray("goodHistory");
    environment.goodHistory().forEach(history::add);
    ArrayNode bad = state.putArray("bad");
    environment.bad().forEach(bad::add);
    state.put("recoveredFrom", "audit trail");
    return state;
  }
}
