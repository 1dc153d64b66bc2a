package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
    body.put("commit", commit);
    // The actor is the API token's holder, recorded by the server; not something we claim here.
    if (allowUnmerged) {
      body.put("allowUnmerged", true);
    }
    System.out.println("run " + ServerAddress.post("/api/deploy", body).path("run").asText());
    return ExitCodes.OK;
  }
}
