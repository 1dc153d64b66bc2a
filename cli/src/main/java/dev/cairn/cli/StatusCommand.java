package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn status}: each environment's live release, last good release and bad commits. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show each environment: what runs, the last good release, commits marked bad.")
public final class StatusCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Path home = CairnHome.path();
    ObjectNode status = Json.object();
    status.put("home", home.toString());
    ArrayNode environments = status.putArray("environments");
    Path ledgers = home.resolve("environments");
    if (Files.isDirectory(ledgers)) {
      try (Stream<Path> files = Files.list(ledgers)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
          String name = file.getFileName().toString().replaceFirst("\\.json$", "");
          if (!dev.cairn.pipeline.file.EnvironmentNames.isValid(name)) {
            // Not a ledger Cairn wrote: a name that is no environment's is never used as a path.
            continue;
          }
          JsonNode ledger = Json.parse(Files.readString(file));
          JsonNode deployment = readDeployment(home, name);
          ObjectNode environment = environments.addObject();
          environment.put("name", name);
          String liveId = deployment.path("liveRelease").asText(null);
          for (JsonNode release : deployment.path("releases")) {
            if (release.path("id").asText().equals(liveId)) {
              environment.put("liveCommit", release.path("commit").asText());
              environment.put("liveRelease", liveId);
            }
          }
          if (deployment.has("stablePort")) {
            environment.put("port", deployment.get("stablePort").asInt());
          }
          environment.put("lastGood", ledger.path("lastGood").path("commit").asText(null));
          environment.set("bad", ledger.path("bad").isArray() ? ledger.get("bad") : Json.array());
          environment.put("deploying", ledger.path("holder").asText(null));
        }
      }
    }
    ObjectNode audit = auditStatus(home);
    status.set("audit", audit);
    JsonNode isolation = isolation(home);
    if (isolation != null) {
      status.set("isolation", isolation);
    }
    if (json) {
      System.out.println(Json.write(status));
      return ExitCodes.OK;
    }
    if (environments.isEmpty()) {
      System.out.println("no environment has been deployed yet (CAIRN_HOME=" + home + ")");
    }
    for (JsonNode environment : environments) {
      System.out.println(environment.path("name").asText() + ":");
      System.out.println(
          "  serving    "
              + shortOr(environment, "liveCommit", "nothing")
              + (environment.has("port")
                  ? " on 127.0.0.1:" + environment.get("port").asInt()
                  : ""));
      System.out.println("  last good  " + shortOr(environment, "lastGood", "none"));
      System.out.println("  deploying  " + environment.path("deploying").asText("nothing"));
      StringBuilder bad = new StringBuilder();
      environment
          .path("bad")
          .forEach(
              b ->
                  bad.append(bad.isEmpty() ? "" : ", ")
                      .append(b.asText(), 0, Math.min(7, b.asText().length())));
      System.out.println("  bad        " + (bad.isEmpty() ? "none" : bad));
    }
    printAudit(audit);
    printIsolation(isolation);
    return ExitCodes.OK;
  }

  /** The isolation the serving Cairn reported when it started, or null. */
  private static JsonNode isolation(Path home) {
    Path file = home.resolve("server.json");
    try {
      JsonNode isolation = Json.parse(Files.readString(file)).path("isolation");
      return isolation.isObject() ? isolation : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void printIsolation(JsonNode isolation) {
    if (isolation == null) {
      System.out.println("isolation: unknown (cairn serve has not run)");
      return;
    }
    boolean sandboxed = isolation.path("sandboxed").asBoolean();
    boolean limited = isolation.path("limited").asBoolean();
    System.out.println(
        "isolation: build jobs "
            + (sandboxed ? "sandboxed (bubblewrap)" : "NOT sandboxed")
            + (limited ? ", with resource limits" : ", without resource limits"));
    System.out.println(
        "  releases "
            + (isolation.path("releasesSandboxed").asBoolean()
                ? "sandboxed (own PID namespace, CAIRN_HOME and home hidden)"
                : "NOT sandboxed (plain processes of Cairn's user)"));
    if (isolation.has("warning")) {
      System.out.println("  " + isolation.path("warning").asText());
    }
  }

  /**
   * The audit trail's delivery: the records waiting in the outbox (counted here, so it is right
   * even while Cairn is stopped) and what the running Cairn last reported ({@code
   * audit/status.json}, whose errors it redacted).
   */
  static ObjectNode auditStatus(Path home) throws IOException {
    Path dir = home.resolve("audit");
    ObjectNode audit = Json.object();
    Path file = dir.resolve("status.json");
    JsonNode reported = Json.object();
    if (Files.isRegularFile(file)) {
      try {
        reported = Json.parse(Files.readString(file));
      } catch (RuntimeException e) {
        reported = Json.object();
      }
    }
    Path outbox = dir.resolve("outbox");
    boolean enabled = reported.path("enabled").asBoolean(Files.isDirectory(outbox));
    audit.put("enabled", enabled);
    audit.put("branch", "cairn/audit");
    int pending = 0;
    if (Files.isDirectory(outbox)) {
      try (Stream<Path> files = Files.list(outbox)) {
        pending =
            (int)
                files
                    .filter(f -> f.getFileName().toString().matches("\\d{19}-[0-9a-f-]{36}\\.json"))
                    .count();
      }
    }
    audit.put("pending", pending);
    for (String field : new String[] {"consecutiveFailures", "lastError", "lastDelivered"}) {
      if (reported.has(field)) {
        audit.set(field, reported.get(field));
      }
    }
    return audit;
  }

  private static void printAudit(JsonNode audit) {
    if (!audit.path("enabled").asBoolean()) {
      System.out.println("audit trail: off");
      return;
    }
    System.out.println("audit trail (branch cairn/audit, notes refs/notes/cairn):");
    int pending = audit.path("pending").asInt();
    System.out.println(
        "  pending    "
            + (pending == 0
                ? "none, every record is pushed"
                : pending + (pending == 1 ? " record" : " records") + " not pushed yet"));
    System.out.println("  delivered  " + audit.path("lastDelivered").asText("not yet"));
    if (audit.has("lastError")) {
      System.out.println("  last error " + audit.path("lastError").asText());
    }
  }

  private static JsonNode readDeployment(Path home, String environment) throws IOException {
    Path state = home.resolve("deployments").resolve(environment).resolve("state.json");
    return Files.exists(state) ? Json.parse(Files.readString(state)) : Json.object();
  }

  private static String shortOr(JsonNode node, String field, String none) {
    String value = node.path(field).asText(null);
    return value == null || value.isEmpty()
        ? none
        : value.length() > 7 ? value.substring(0, 7) : value;
  }
}
