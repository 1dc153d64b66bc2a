package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cli.HistoryCommand;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.store.ExecutionStore;
import dev.cairn.git.RepositoryMirror;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.DoraMetrics;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.run.PipelineService;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.server.DashboardData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * What the dashboard of the local runtime shows, read from what the loop already has: the engine's
 * executions and their histories (runs, state graphs), the run and environment stores, the deployer
 * (what runs where), the job logs in {@code CAIRN_HOME/logs}, the audit trail's local repository,
 * and the mirror (the pipeline file's promotion order).
 */
final class DashboardView implements DashboardData {
  /** An HTTPS remote without credentials, whose commits have pages at {@code <remote>/commit/}. */
  private static final Pattern WEB_REMOTE =
      Pattern.compile("https://[A-Za-z0-9.-]+(:\\d+)?(/[A-Za-z0-9._~-]+)+?(\\.git)?/?");

  /** How many days the DORA charts show. */
  private static final int DORA_DAYS = 14;

  private final Path home;
  private final String remote;
  private final RepositoryMirror mirror;
  private final PipelineService pipelines;
  private final ExecutionStore executions;
  private final ProcessDeployer deployer;
  private final Path auditRepository;

  /**
   * @param home CAIRN_HOME
   * @param remote the repository as the user named it (a path or URL)
   * @param mirror the mirror of it
   * @param pipelines the pipeline service (engine, ledgers, run facts)
   * @param executions the engine's store (the state machine each run executes)
   * @param deployer what runs in each environment
   * @param auditRepository the audit trail's local repository, or null when the trail is off
   */
  DashboardView(
      Path home,
      String remote,
      RepositoryMirror mirror,
      PipelineService pipelines,
      ExecutionStore executions,
      ProcessDeployer deployer,
      Path auditRepository) {
    this.home = home;
    this.remote = remote;
    this.mirror = mirror;
    this.pipelines = pipelines;
    this.executions = executions;
    this.deployer = deployer;
    this.auditRepository = auditRepository;
  }

  @Override
  public JsonNode environments() {
    Set<String> names = new LinkedHashSet<>(promotionOrder());
    // Environments that were deployed once but are no longer in the pipeline file come last.
    deployer.environments().stream().sorted().forEach(names::add);
    List<ExecutionDescription> runs = pipelines.engine().list();
    ArrayNode environments = Json.array();
    for (String name : names) {
      ObjectNode node = environments.addObject();
      node.put("name", name);
      EnvironmentState ledger = pipelines.ledger(name);
      deployer
          .live(name)
          .ifPresent(
              live -> {
                node.put("liveCommit", live.commit());
                since(runs, name, live.commit()).ifPresent(t -> node.put("since", t));
              });
      ledger.lastGood().ifPresent(good -> node.put("lastGood", good.commit()));
      ArrayNode bad = node.putArray("bad");
      ledger.bad().forEach(bad::add);
      ledger.holder().ifPresent(holder -> node.put("deploying", holder.run()));
    }
    return environments;
  }

  /** When the newest run that deployed {@code commit} to the environment ended. */
  private Optional<String> since(
      List<ExecutionDescription> runs, String environment, String commit) {
    for (ExecutionDescription run : runs) {
      ObjectNode facts = pipelines.runFacts(run.name());
      if (facts.path("commit").asText().equals(commit)
          && facts.path("outcomes").has(environment)
          && run.stopDate() != null) {
        return Optional.of(run.stopDate().toString());
      }
    }
    return Optional.empty();
  }

  /** The environments of the pipeline file at the branch's tip, in its order. */
  private List<String> promotionOrder() {
    Repository repository = mirror.repository();
    try (RevWalk walk = new RevWalk(repository)) {
      ObjectId tip = repository.resolve("refs/heads/" + mirror.branch());
      if (tip == null) {
        return List.of();
      }
      try (TreeWalk file =
          TreeWalk.forPath(
              repository, PipelineService.PIPELINE_FILE, walk.parseCommit(tip).getTree())) {
        if (file == null) {
          return List.of();
        }
        byte[] bytes =
            repository.open(file.getObjectId(0)).getCachedBytes(PipelineFileParser.MAX_BYTES);
        return PipelineFileParser.parse(
                PipelineService.PIPELINE_FILE, new String(bytes, StandardCharsets.UTF_8))
            .environments()
            .stream()
            .map(EnvironmentSpec::name)
            .toList();
      }
    } catch (IOException | RuntimeException e) {
      // An unreadable or invalid pipeline file at the tip: its runs show why; list what exists.
      return List.of();
    }
  }

  @Override
  public JsonNode runs() {
    return RunsView.of(pipelines.engine().list(), pipelines::runFacts);
  }

  @Override
  public Optional<RunDetail> run(String runId) {
    for (ExecutionDescription execution : pipelines.engine().list()) {
      if (!execution.name().equals(runId)) {
        continue;
      }
      String arn = execution.executionArn();
      JsonNode run = RunsView.of(List.of(execution), pipelines::runFacts).get(0);
      String definition =
          executions.find(arn).map(ExecutionStore.StoredExecution::definition).orElse("{}");
      List<StateEvent> events = new ArrayList<>();
      for (HistoryEvent event : pipelines.engine().history(arn)) {
        String name = event.text("name");
        if (name == null || !event.frame().isEmpty()) {
          continue;
        }
        if (event.type().isStateEntered()) {
          events.add(new StateEvent(name, true, event.timestamp()));
        } else if (event.type().isStateExited()) {
          events.add(new StateEvent(name, false, event.timestamp()));
        }
      }
      return Optional.of(new RunDetail(run, definition, events));
    }
    return Optional.empty();
  }

  @Override
  public List<Path> logFiles(String runId) {
    Path logs = home.resolve("logs");
    if (!Files.isDirectory(logs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(logs)) {
      // The build's output first, then the others (migrations, releases) by name.
      return files
          .filter(f -> f.getFileName().toString().startsWith(runId + "-"))
          .sorted(
              Comparator.comparing((Path f) -> !f.getFileName().toString().endsWith("-build.log"))
                  .thenComparing(f -> f.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public Map<String, Path> releaseOutputs(String runId) {
    Map<String, Path> outputs = new java.util.LinkedHashMap<>();
    dev.cairn.pipeline.runtime.RunFacts facts;
    try {
      facts = pipelines.run(runId);
    } catch (RuntimeException e) {
      return outputs; // no facts (yet): nothing deployed
    }
    // The run's deployments are kept in the order they started: promotion order.
    facts
        .deployments()
        .forEach(
            (environment, deployment) ->
                deployer
                    .logs()
                    .file(environment, deployment.releaseId())
                    .ifPresent(f -> outputs.put(environment, f)));
    return outputs;
  }

  @Override
  public String mask(String lines) {
    return deployer.logs().mask(lines);
  }

  @Override
  public JsonNode history(HistoryFilter filter) {
    ArrayNode entries = Json.array();
    if (auditRepository == null || !Files.isDirectory(auditRepository)) {
      return entries;
    }
    AuditEvent event = null;
    if (filter.event() != null) {
      Optional<AuditEvent> known = AuditEvent.fromWireName(filter.event());
      if (known.isEmpty()) {
        return entries;
      }
      event = known.get();
    }
    try (AuditTrail trail =
        AuditTrail.open(auditRepository, null, home.resolve("audit").resolve("index"))) {
      List<TrailEntry> found =
          new ArrayList<>(
              trail.query(
                  new AuditTrail.Query(
                      filter.environment(), filter.commit(), event, null, null, filter.limit())));
      Collections.reverse(found);
      found.forEach(e -> entries.add(HistoryCommand.toJson(e)));
    } catch (IOException e) {
      // No trail yet (no record written): nothing to show.
    }
    return entries;
  }

  @Override
  public JsonNode dora() {
    ObjectNode dora = Json.object();
    ArrayNode days = dora.putArray("days");
    ArrayNode environments = dora.putArray("environments");
    if (auditRepository == null || !Files.isDirectory(auditRepository)) {
      return dora;
    }
    List<TrailEntry> entries;
    try (AuditTrail trail =
        AuditTrail.open(auditRepository, null, home.resolve("audit").resolve("index"))) {
      entries = trail.entries();
    } catch (IOException e) {
      return dora;
    }
    Instant now = Instant.now();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    for (int i = DORA_DAYS - 1; i >= 0; i--) {
      days.add(today.minusDays(i).toString());
    }
    Map<String, DoraMetrics> month =
        DoraMetrics.compute(entries, null, now.minus(Duration.ofDays(30)), now);
    Set<String> names = new LinkedHashSet<>(promotionOrder());
    names.retainAll(month.keySet());
    names.addAll(month.keySet());
    for (String name : names) {
      ObjectNode environment = environments.addObject();
      environment.put("name", name);
      ArrayNode deployments = environment.putArray("deployments");
      ArrayNode failureRate = environment.putArray("failureRate");
      ArrayNode leadTime = environment.putArray("leadTimeMinutes");
      ArrayNode restore = environment.putArray("restoreMinutes");
      for (JsonNode day : days) {
        Instant from = LocalDate.parse(day.asText()).atStartOfDay(ZoneOffset.UTC).toInstant();
        DoraMetrics m =
            DoraMetrics.compute(entries, name, from, from.plus(Duration.ofDays(1))).get(name);
        deployments.add(m == null ? 0 : m.deployments());
        addPercent(failureRate, m == null ? Optional.empty() : m.changeFailureRate());
        addMinutes(leadTime, m == null ? Optional.empty() : m.leadTimeMedian());
        addMinutes(restore, m == null ? Optional.empty() : m.timeToRestoreMedian());
      }
      DoraMetrics m = month.get(name);
      ObjectNode summary = environment.putObject("summary");
      summary.put("deployments", m.deployments());
      summary.put("perDay", m.deploymentsPerDay());
      addMinutes(summary, "leadTimeMinutes", m.leadTimeMedian());
      m.changeFailureRate().ifPresent(r -> summary.put("failureRate", r * 100));
      addMinutes(summary, "restoreMinutes", m.timeToRestoreMedian());
      summary.put("openFailures", m.openFailures());
    }
    return dora;
  }

  private static void addPercent(ArrayNode array, Optional<Double> rate) {
    if (rate.isPresent()) {
      array.add(rate.get() * 100);
    } else {
      array.addNull();
    }
  }

  private static void addMinutes(ArrayNode array, Optional<Duration> duration) {
    if (duration.isPresent()) {
      array.add(duration.get().toMillis() / 60_000.0);
    } else {
      array.addNull();
    }
  }

  private static void addMinutes(ObjectNode node, String field, Optional<Duration> duration) {
    duration.ifPresent(d -> node.put(field, d.toMillis() / 60_000.0));
  }

  @Override
  public Optional<String> commitUrl(String commit) {
    if (!WEB_REMOTE.matcher(remote).matches() || !commit.matches("[0-9a-f]{40}")) {
      return Optional.empty();
    }
    String base = remote.replaceFirst("/$", "").replaceFirst("\\.git$", "");
    return Optional.of(base + "/commit/" + commit);
  }
}
