package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn deploy ENV COMMIT}: a manual deploy, run by the serving Cairn. */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Deploy a commit to one environment by hand (even one marked bad).",
      "The running 'cairn serve' does it; this prints the run's id."
    })
public final class DeployCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ENV", description = "The environment.")
  String environment;

  @Parameters(
      index = "1",
      paramLabel = "COMMIT",
      description = "The commit (full or abbreviated id).")
  String commit;

  @Override
  public Integer call() {
    ObjectNode body = Json.object();
    body.put("environment", environment);
    body.put("commit", commit);
    // Who did it, for the audit trail.
    body.put("actor", System.getProperty("user.name"));
    System.out.println("run " + ServerAddress.post("/api/deploy", body).path("run").asText());
    return ExitCodes.OK;
  }
}
