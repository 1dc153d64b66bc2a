package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn rollback ENV [--to COMMIT]}: a manual rollback, run by the serving Cairn. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Roll an environment back by hand to its previous good release (or --to COMMIT).",
      "The commit it runs is marked bad; the good release is deployed again from its stored"
          + " artifact (no rebuild)."
    })
public final class RollbackCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ENV", description = "The environment.")
  String environment;

  @Option(names = "--to", paramLabel = "COMMIT", description = "The commit to return to.")
  String to;

  @Option(
      names = "--allow-unmerged",
      description =
          "Allow a commit that is not on the watched branch (the audit trail records that you"
              + " did).")
  boolean allowUnmerged;

  @Override
  public Integer call() {
    try {
      dev.cairn.pipeline.file.EnvironmentNames.require(environment);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    ObjectNode body = Json.object();
    body.put("environment", environment);
    // The actor is the API token's holder, recorded by the server; not something we claim here.
    if (allowUnmerged) {
      body.put("allowUnmerged", true);
    }
    if (to != null) {
      body.put("to", to);
    }
    System.out.println("run " + ServerAddress.post("/api/rollback", body).path("run").asText());
    return ExitCodes.OK;
  }
}
