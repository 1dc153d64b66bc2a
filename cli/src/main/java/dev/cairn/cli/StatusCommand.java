package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cli.loop.PromotionOrder;
import dev.cairn.cli.loop.RunsView;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.RunFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn status}: each environment, in promotion order, with its live release, last good
 * release, bad commits and why its last deployment failed; then the last run.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show each environment in promotion order, and the last run.",
      "Per environment: what runs, the last good release, commits marked bad and, when its last"
          + " deployment failed, why (with the last lines of the failing output)."
    })
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
    ArrayNode runs = RunsCommand.read(home);
    if (Files.isDirectory(ledgers)) {
      List<Path> files;
      try (Stream<Path> listed = Files.list(ledgers)) {
        files = listed.filter(f -> f.toString().endsWith(".json")).toList();
      }
      List<String> names =
          PromotionOrder.sort(
              files.stream()
                  .map(f -> f.getFileName().toString().replaceFirst("\\.json$", ""))
                  .toList(),
              PromotionOrder.of(home));
      for (String name : names) {
        Path file = ledgers.resolve(name + ".json");
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
        lastFailure(runs, name).ifPresent(f -> environment.set("lastFailure", f));
      }
    }
    if (!runs.isEmpty()) {
      status.set("lastRun", lastRun(runs.get(0)));
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
      if (environment.has("lastFailure")) {
        JsonNode failure = environment.get("lastFailure");
        System.out.println(
            "  failed     "
                + failure.path("run").asText()
                + " ("
                + RunFacts.shortId(failure.path("commit").asText())
                + ")");
        printReason(home, failure.path("run").asText(), failure);
      }
    }
    if (status.has("lastRun")) {
      JsonNode run = status.get("lastRun");
      System.out.println(
          "last run: "
              + run.path("id").asText()
              + " ("
              + RunFacts.shortId(run.path("commit").asText())
              + ") "
              + run.path("status").asText());
      if (run.has("failure") && !run.get("failure").has("environment")) {
        // A failure in an environment is shown under it, above.
        printReason(home, run.path("id").asText(), run.get("failure"));
      }
    }
    printAudit(audit);
    printIsolation(isolation);
    return ExitCodes.OK;
  }

  /** How many of the failing output's last lines status shows. */
  static final int OUTPUT_TAIL = 10;

  /** The failure of the newest run that got to the environment, if it failed there. */
  private static java.util.Optional<ObjectNode> lastFailure(ArrayNode runs, String environment) {
    for (JsonNode run : runs) {
      if (!run.path("outcomes").has(environment)) {
        continue;
      }
      JsonNode failure = run.path("failure");
      if (!environment.equals(failure.path("environment").asText(null))) {
        return java.util.Optional.empty();
      }
      ObjectNode shown = ((ObjectNode) failure).deepCopy();
      shown.put("run", run.path("id").asText());
      shown.put("commit", run.path("commit").asText());
      return java.util.Optional.of(shown);
    }
    return java.util.Optional.empty();
  }

  private static ObjectNode lastRun(JsonNode run) {
    ObjectNode last = Json.object();
    for (String field : new String[] {"id", "commit", "status", "failure"}) {
      if (run.has(field)) {
        last.set(field, run.get(field));
      }
    }
    return last;
  }

  /** A failure's reason, then the last lines of the output that shows it. */
  private static void printReason(Path home, String runId, JsonNode failure) {
    for (String line : RunsView.reason(failure, RunsCommand.REASON_LINES)) {
      System.out.println("    " + line);
    }
    if (!failure.has("log")) {
      return;
    }
    Path log = home.resolve("logs").resolve(runId + "-" + failure.path("log").asText());
    try {
      List<String> lines = Files.readAllLines(log);
      if (lines.isEmpty()) {
        return;
      }
      System.out.println("    output (last lines; all of it: cairn logs " + runId + "):");
      lines
          .subList(Math.max(0, lines.size() - OUTPUT_TAIL), lines.size())
          .forEach(l -> System.out.println("      " + l));
    } catch (IOException | java.io.UncheckedIOException e) {
      // No log kept (e.g. the release had printed nothing): the reason says enough.
    }
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
