package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.DoraMetrics;
import dev.cairn.pipeline.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn metrics}: the four DORA measures per environment, computed from the trail. */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Compute the four DORA measures per environment from the audit trail.",
      "Deployment frequency, lead time for changes, change failure rate and",
      "time to restore (definitions: docs/audit-trail.md)."
    })
public final class MetricsCommand implements Callable<Integer> {
  @Mixin AuditSource source;

  @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
  String environment;

  @Option(
      names = "--since",
      defaultValue = "30d",
      paramLabel = "WHEN",
      description = "Start of the period: a date, an instant or a duration ago (default: 30d).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "End of the period (exclusive; default: now).")
  String until;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Instant now = Instant.now();
    Instant to = until == null ? now : TimeArguments.parse("--until", until, now);
    Instant from = TimeArguments.parse("--since", since, now);
    if (!from.isBefore(to)) {
      throw new UserInputException("--since " + since + " is not before --until");
    }
    Map<String, DoraMetrics> metrics;
    try (AuditTrail trail = source.open()) {
      metrics = DoraMetrics.compute(trail.entries(), environment, from, to);
    }
    if (json) {
      ObjectNode o = Json.object();
      o.put("since", from.toString());
      o.put("until", to.toString());
      ArrayNode environments = o.putArray("environments");
      metrics.values().forEach(m -> environments.add(toJson(m)));
      System.out.println(Json.write(o));
      return ExitCodes.OK;
    }
    System.out.println(
        "from "
            + from
            + " until "
            + to
            + " ("
            + AuditRecord.formatDuration(Duration.between(from, to))
            + ")");
    if (metrics.isEmpty()) {
      System.out.println(
          environment == null
              ? "no environment in the trail"
              : "no records of environment " + environment);
      return ExitCodes.OK;
    }
    for (DoraMetrics m : metrics.values()) {
      System.out.println();
      System.out.println(m.environment() + ":");
      System.out.printf(
          Locale.ROOT,
          "  deployment frequency   %d deployments, %.2f per day%n",
          m.deployments(),
          m.deploymentsPerDay());
      System.out.println(
          "  lead time for changes  "
              + (m.leadTimeSamples() == 0
                  ? "n/a (no deployment with a commit time)"
                  : "median "
                      + format(m.leadTimeMedian())
                      + ", p90 "
                      + format(m.leadTimeP90())
                      + " ("
                      + m.leadTimeSamples()
                      + " of "
                      + m.deployments()
                      + " deployments)"));
      System.out.println(
          "  change failure rate    "
              + m.changeFailureRate()
                  .map(
                      r ->
                          String.format(
                              Locale.ROOT,
                              "%.1f%% (%d of %d changes)",
                              r * 100,
                              m.failedChanges(),
                              m.changes()))
                  .orElse("n/a (no change)"));
      System.out.println(
          "  time to restore        "
              + (m.restores() == 0 ? "n/a" : "median " + format(m.timeToRestoreMedian()))
              + " ("
              + m.restores()
              + " restored, "
              + m.openFailures()
              + " still failing)");
    }
    return ExitCodes.OK;
  }

  private static String format(Optional<Duration> d) {
    return d.map(AuditRecord::formatDuration).orElse("n/a");
  }

  private static ObjectNode toJson(DoraMetrics m) {
    ObjectNode o = Json.object();
    o.put("environment", m.environment());
    o.put("deployments", m.deployments());
    o.put("deploymentsPerDay", m.deploymentsPerDay());
    ObjectNode lead = o.putObject("leadTime");
    lead.put("samples", m.leadTimeSamples());
    m.leadTimeMedian().ifPresent(d -> lead.put("medianSeconds", d.toSeconds()));
    m.leadTimeP90().ifPresent(d -> lead.put("p90Seconds", d.toSeconds()));
    ObjectNode cfr = o.putObject("changeFailureRate");
    cfr.put("changes", m.changes());
    cfr.put("failed", m.failedChanges());
    m.changeFailureRate().ifPresent(r -> cfr.put("rate", r));
    ObjectNode restore = o.putObject("timeToRestore");
    restore.put("restored", m.restores());
    restore.put("open", m.openFailures());
    m.timeToRestoreMedian().ifPresent(d -> restore.put("medianSeconds", d.toSeconds()));
    return o;
  }
}
