package dev.cairn.pipeline.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.behaviour.PipelineDriver.Change;
import dev.cairn.pipeline.behaviour.PipelineDriver.RunResult;
import dev.cairn.pipeline.runtime.EnvironmentState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One behaviour suite, run against every driver of the pipeline runtime: each test is a scenario
 * (first deploy, a change, a failed build, a verify failure rolled back, a run superseded while
 * waiting, a bad commit skipped, a bad commit deployed by hand, a rollback by hand, promotion from
 * staging to production, a revert commit, an image release migrated, baked and a bad image rolled
 * back to the last good one) that asserts the outcomes and the exact audit records — the same on
 * the local loop and on AWS, which is the proof that both run one runtime.
 *
 * <p>A driver plugs in by extending this class and returning a fresh {@link PipelineDriver} from
 * {@link #driver}; each scenario gets its own. Commits are named by letters in the order they are
 * pushed (A, B, C); a revert commit Cairn pushes itself is R. Records are compared as {@link #line
 * lines} (ids, times, run ids, digests and Cairn's version left out), grouped by commit in the
 * order commits first appear and, within a commit, in the order they were stored: runs of different
 * commits overlap, so only each commit's own order is the runtime's.
 */
public abstract class PipelineBehaviourSuite {
  /** The environment every scenario deploys to. */
  protected static final String PRODUCTION = "production";

  /** The environment before production in the promotion scenario. */
  protected static final String STAGING = "staging";

  private static final Duration SETTLE = Duration.ofSeconds(60);

  @TempDir protected Path dir;
  private PipelineDriver driver;
  private SampleApp app;
  private final Map<String, String> labels = new LinkedHashMap<>();

  /**
   * A new driver for one scenario, with nothing deployed and Cairn not yet started.
   *
   * @param dir a fresh directory the driver may use
   * @param app the application and the ports of its environments
   */
  protected abstract PipelineDriver driver(Path dir, SampleApp app) throws Exception;

  @AfterEach
  void closeDriver() throws Exception {
    if (driver != null) {
      driver.close();
    }
    if (app != null) {
      app.close();
    }
  }

  // ---------------------------------------------------------------- the scenarios

  @Test
  void aFirstDeployBecomesTheLastGoodRelease() throws Exception {
    begin(List.of(PRODUCTION), "off");

    RunResult a = awaitRun(first());

    assertThat(a.status()).as("%s", a).isEqualTo("SUCCEEDED");
    assertThat(a.outcome(PRODUCTION)).as("%s", a).isEqualTo("deployed");
    assertLive(PRODUCTION, "A");
    assertThat(lastGood(PRODUCTION)).isEqualTo("A");
    assertRecords(firstDeployed("A", PRODUCTION));
  }

  @Test
  void aChangeReplacesTheLiveRelease() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());

    RunResult b = awaitRun(push("B", change("B")));

    assertThat(b.status()).as("%s", b).isEqualTo("SUCCEEDED");
    assertThat(b.outcome(PRODUCTION)).as("%s", b).isEqualTo("deployed");
    assertLive(PRODUCTION, "B");
    assertThat(lastGood(PRODUCTION)).isEqualTo("B");
    assertRecords(firstDeployed("A", PRODUCTION), deployedOver("B", PRODUCTION, "A"));
  }

  @Test
  void aFailedBuildDeploysNothing() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());

    RunResult b =
        awaitRun(push("B", Change.of("B: a build that fails", Map.of(SampleApp.FAIL_BUILD, "B"))));

    assertThat(b.status()).as("%s", b).isEqualTo("FAILED");
    assertThat(b.error()).isEqualTo("Cairn.BuildFailed");
    assertThat(b.facts().outcome()).isEqualTo("build-failed");
    assertThat(b.outcome(PRODUCTION)).as("%s", b).isNull();
    assertLive(PRODUCTION, "A");
    assertThat(driver.environment(PRODUCTION).isBad(commit("B"))).isFalse();
    assertRecords(
        firstDeployed("A", PRODUCTION),
        List.of("run-started B", "build-failed B error=Cairn.BuildFailed"));
  }

  @Test
  void anInvalidPipelineFileFailsTheRunWithOneErrorNameAndItsProblems() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());

    RunResult b =
        awaitRun(
            push(
                "B",
                Change.of(
                    "B: a typo in cairn.yml",
                    Map.of("cairn.yml", app.pipeline().replaceFirst("build:", "bild:")))));

    // The run, its facts and its record name the same error, and say where the problems are in
    // the repository's file (never in Cairn's workspace).
    assertThat(b.status()).as("%s", b).isEqualTo("FAILED");
    assertThat(b.error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(b.facts().buildFailure().error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(b.cause()).isEqualTo(b.facts().buildFailure().cause());
    assertThat(b.cause().lines())
        .hasSizeGreaterThanOrEqualTo(2)
        .allMatch(line -> line.matches("cairn\\.yml:\\d+:\\d+: .+"), "cairn.yml:LINE:COL: ...");
    assertThat(b.cause()).contains("unknown key 'bild'");
    assertLive(PRODUCTION, "A");
    assertRecords(
        firstDeployed("A", PRODUCTION),
        List.of("run-started B", "build-failed B error=Cairn.InvalidPipeline"));
    AuditRecord failed =
        driver.records().stream()
            .filter(r -> r.event().wireName().equals("build-failed"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.error().cause())
        .startsWith("cairn.yml:")
        .contains("; cairn.yml:")
        .doesNotContain(dir.toString());
  }

  @Test
  void aReleaseThatFailsItsBakeIsRolledBackAndMarkedBad() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());

    RunResult b = awaitRun(push("B", failingBake("B")));

    assertThat(b.status()).as("%s", b).isEqualTo("FAILED");
    assertThat(b.error()).isEqualTo("Cairn.RolledBack");
    assertThat(b.outcome(PRODUCTION)).as("%s", b).isEqualTo("rolled-back");
    assertThat(b.facts().deployment(PRODUCTION).rolledBackTo()).isEqualTo(commit("A"));
    assertLive(PRODUCTION, "A");
    EnvironmentState production = driver.environment(PRODUCTION);
    assertThat(production.isBad(commit("B"))).isTrue();
    assertThat(lastGood(PRODUCTION)).isEqualTo("A");
    assertRecords(firstDeployed("A", PRODUCTION), rolledBack("B", PRODUCTION, "A"));
  }

  @Test
  void aRunWaitingForTheSlotIsSupersededByANewerOne() throws Exception {
    begin(List.of(PRODUCTION), "off");
    // A's release fails its health check until the gate opens: A holds production's slot.
    Map<String, String> held = new LinkedHashMap<>(app.files());
    held.put(SampleApp.HOLD_UNTIL, Integer.toString(app.gate()));
    String a = push("A", Change.of("A: first version", held));
    awaitQueue(a, List.of());
    String b =
        push("B", new Change("B: second version", version("B"), Set.of(SampleApp.HOLD_UNTIL)));
    awaitQueue(a, List.of(b));
    String c = push("C", change("C"));
    awaitQueue(a, List.of(b, c));

    app.openGate();

    RunResult holder = awaitRun(a);
    assertThat(holder.outcome(PRODUCTION)).as("%s", holder).isEqualTo("deployed");
    RunResult superseded = awaitRun(b);
    assertThat(superseded.status()).as("%s", superseded).isEqualTo("SUCCEEDED");
    assertThat(superseded.outcome(PRODUCTION)).as("%s", superseded).isEqualTo("skipped");
    assertThat(superseded.facts().deployment(PRODUCTION).supersededBy()).isEqualTo(c);
    RunResult newest = awaitRun(c);
    assertThat(newest.outcome(PRODUCTION)).as("%s", newest).isEqualTo("deployed");
    assertLive(PRODUCTION, "C");
    assertRecords(
        firstDeployed("A", PRODUCTION),
        List.of(
            "run-started B",
            "build-succeeded B",
            "superseded production B supersededBy=C trigger=automatic"),
        deployedOver("C", PRODUCTION, "A"));
  }

  @Test
  void aBadCommitOfferedAgainIsSkipped() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());
    awaitRun(push("B", failingBake("B")));

    RunResult again = driver.redeliver(commit("B"));

    assertThat(again.status()).as("%s", again).isEqualTo("SUCCEEDED");
    assertThat(again.outcome(PRODUCTION)).as("%s", again).isEqualTo("skipped");
    assertLive(PRODUCTION, "A");
    List<String> b = new ArrayList<>(rolledBack("B", PRODUCTION, "A"));
    b.addAll(
        List.of(
            "run-started B",
            "build-succeeded B",
            "skipped-bad production B error=Cairn.Skipped trigger=automatic"));
    assertRecords(firstDeployed("A", PRODUCTION), b);
  }

  @Test
  void aBadCommitIsDeployedWhenAPersonAsks() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());
    // B is healthy but marked bad by a person's rollback: deployed by hand, it must deploy.
    deployed(push("B", change("B")));
    driver.rollbackByHand(PRODUCTION);
    assertThat(driver.environment(PRODUCTION).isBad(commit("B"))).isTrue();

    RunResult manual = driver.deployByHand(PRODUCTION, commit("B"));

    assertThat(manual.status()).as("%s", manual).isEqualTo("SUCCEEDED");
    assertThat(manual.outcome(PRODUCTION)).as("%s", manual).isEqualTo("deployed");
    assertLive(PRODUCTION, "B");
    assertThat(lastGood(PRODUCTION)).isEqualTo("B");
    List<String> a = new ArrayList<>(firstDeployed("A", PRODUCTION));
    a.addAll(deployedOver("A", PRODUCTION, "B", "manual"));
    List<String> b = new ArrayList<>(deployedOver("B", PRODUCTION, "A"));
    b.addAll(manualRollbackOf("B", PRODUCTION, "A"));
    b.add("run-started B trigger=manual");
    b.add("manual-action production B action=deploy trigger=manual");
    b.addAll(deployedOver("B", PRODUCTION, "A", "manual").subList(1, 4));
    assertRecords(a, b);
  }

  @Test
  void aRollbackByHandReturnsToTheGoodReleaseBeforeAndMarksTheCommitBad() throws Exception {
    begin(List.of(PRODUCTION), "off");
    deployed(first());
    deployed(push("B", change("B")));

    RunResult back = driver.rollbackByHand(PRODUCTION);

    assertThat(back.status()).as("%s", back).isEqualTo("SUCCEEDED");
    assertThat(back.facts().commit()).isEqualTo(commit("A"));
    assertThat(back.outcome(PRODUCTION)).as("%s", back).isEqualTo("deployed");
    assertLive(PRODUCTION, "A");
    assertThat(driver.environment(PRODUCTION).isBad(commit("B"))).isTrue();
    assertThat(lastGood(PRODUCTION)).isEqualTo("A");
    List<String> a = new ArrayList<>(firstDeployed("A", PRODUCTION));
    a.addAll(deployedOver("A", PRODUCTION, "B", "manual"));
    List<String> b = new ArrayList<>(deployedOver("B", PRODUCTION, "A"));
    b.addAll(manualRollbackOf("B", PRODUCTION, "A"));
    assertRecords(a, b);
  }

  @Test
  void aCommitIsPromotedFromStagingToProductionOnlyOnceGoodInStaging() throws Exception {
    begin(List.of(STAGING, PRODUCTION), "off");

    RunResult a = awaitRun(first());

    assertThat(a.outcome(STAGING)).as("%s", a).isEqualTo("deployed");
    assertThat(a.outcome(PRODUCTION)).as("%s", a).isEqualTo("deployed");
    assertLive(STAGING, "A");
    assertLive(PRODUCTION, "A");

    RunResult b = awaitRun(push("B", failingBake("B")));

    assertThat(b.status()).as("%s", b).isEqualTo("FAILED");
    assertThat(b.outcome(STAGING)).as("%s", b).isEqualTo("rolled-back");
    assertThat(b.outcome(PRODUCTION)).as("never promoted: %s", b).isNull();
    assertLive(STAGING, "A");
    assertLive(PRODUCTION, "A");
    assertThat(driver.environment(STAGING).isBad(commit("B"))).isTrue();
    assertThat(driver.environment(PRODUCTION).isBad(commit("B"))).isFalse();
    List<String> first = new ArrayList<>(List.of("run-started A", "build-succeeded A"));
    first.addAll(firstDeployed("A", STAGING).subList(2, 4));
    first.addAll(firstDeployed("A", PRODUCTION).subList(2, 4));
    assertRecords(first, rolledBack("B", STAGING, "A"));
  }

  @Test
  void aRolledBackCommitIsRevertedOnMainAndTheRevertDeployed() throws Exception {
    begin(List.of(PRODUCTION), "main");
    deployed(first());
    RunResult b = awaitRun(push("B", failingBake("B")));
    assertThat(b.outcome(PRODUCTION)).as("%s", b).isEqualTo("rolled-back");

    String revert = driver.branchTip("main").orElseThrow();
    assertThat(revert).as("Cairn pushed a revert commit onto main").isNotEqualTo(commit("B"));
    labels.put(revert, "R");
    RunResult r = awaitRun(revert);

    assertThat(r.outcome(PRODUCTION)).as("%s", r).isEqualTo("deployed");
    assertThat(r.facts().message()).startsWith("Revert \"B: ");
    assertThat(r.facts().tree()).isEqualTo(awaitRunFactsTree("A"));
    assertLive(PRODUCTION, "R");
    List<String> rolledBack = new ArrayList<>(rolledBack("B", PRODUCTION, "A"));
    rolledBack.add("reverted production B revertBranch=main revertCommit=R trigger=automatic");
    assertRecords(firstDeployed("A", PRODUCTION), rolledBack, deployedOver("R", PRODUCTION, "A"));
  }

  /**
   * The container case: the {@link SampleApp#images image variant} built as an image, migrated
   * before its switch, deployed and baked (the last good release), then a bad image whose bake
   * fails rolled back to the last good image as it was built (no rebuild, no migration), its commit
   * marked bad. Locally the bad image's health check fails; on AWS its 5xx alarm goes off.
   */
  @Test
  void anImageReleaseIsMigratedAndBakedAndABadImageIsRolledBackToTheLastGoodOne() throws Exception {
    begin(SampleApp.images(List.of(PRODUCTION)));
    Optional<String> unavailable = driver.imagesUnavailable();
    assumeTrue(
        unavailable.isEmpty(), () -> "image releases: " + unavailable.orElse("") + "; skipped");

    RunResult a = awaitRun(first());

    assertThat(a.status()).as("%s", a).isEqualTo("SUCCEEDED");
    assertThat(a.outcome(PRODUCTION)).as("%s", a).isEqualTo("deployed");
    String good = a.facts().artifact();
    assertThat(good).startsWith("image:sha256:");
    assertLive(PRODUCTION, "A");
    assertThat(driver.liveArtifact(PRODUCTION)).contains(good);
    assertThat(driver.migrated(PRODUCTION)).map(this::label).containsExactly("A");
    assertThat(lastGood(PRODUCTION)).isEqualTo("A");
    assertThat(driver.environment(PRODUCTION).lastGood().orElseThrow().artifact()).isEqualTo(good);

    RunResult b = awaitRun(push("B", failingBake("B")));

    assertThat(b.status()).as("%s", b).isEqualTo("FAILED");
    assertThat(b.error()).isEqualTo("Cairn.RolledBack");
    assertThat(b.outcome(PRODUCTION)).as("%s", b).isEqualTo("rolled-back");
    assertThat(b.facts().deployment(PRODUCTION).rolledBackTo()).isEqualTo(commit("A"));
    assertThat(b.facts().artifact()).startsWith("image:sha256:").isNotEqualTo(good);
    assertLive(PRODUCTION, "A");
    // The last good image as it was built: no rebuild, and no migration on the way back.
    assertThat(driver.liveArtifact(PRODUCTION)).contains(good);
    assertThat(driver.migrated(PRODUCTION)).map(this::label).containsExactly("A", "B");
    assertThat(driver.environment(PRODUCTION).isBad(commit("B"))).isTrue();
    assertThat(lastGood(PRODUCTION)).isEqualTo("A");
    assertThat(driver.environment(PRODUCTION).lastGood().orElseThrow().artifact()).isEqualTo(good);
    assertRecords(firstDeployed("A", PRODUCTION), rolledBack("B", PRODUCTION, "A"));
  }

  // ---------------------------------------------------------------- steps

  private void begin(List<String> environments, String revert) throws Exception {
    begin(SampleApp.create(environments, revert));
  }

  private void begin(SampleApp sample) throws Exception {
    app = sample;
    Path driverDir = dir.resolve("driver");
    Files.createDirectories(driverDir);
    driver = driver(driverDir, app);
  }

  /** Pushes A: the app and its pipeline. */
  private String first() throws Exception {
    return push("A", Change.of("A: first version", app.files()));
  }

  private String push(String label, Change change) throws Exception {
    String commit = driver.push(change);
    labels.put(commit, label);
    return commit;
  }

  private RunResult awaitRun(String commit) throws Exception {
    return driver.awaitRun(commit);
  }

  /** Waits for the run of a commit, which must deploy it to every environment. */
  private void deployed(String commit) throws Exception {
    RunResult run = awaitRun(commit);
    for (String environment : app.environments()) {
      assertThat(run.outcome(environment)).as("%s", run).isEqualTo("deployed");
    }
  }

  /** A change that gives the commit a tree of its own and a healthy app. */
  private static Change change(String label) {
    return new Change(
        label + ": another version",
        version(label),
        Set.of(SampleApp.HEALTHY_CHECKS, SampleApp.FAIL_BUILD, SampleApp.HOLD_UNTIL));
  }

  private static Map<String, String> version(String label) {
    return Map.of("app/version.txt", label + "\n");
  }

  /** A commit whose release passes its start check, then fails the bake's. */
  private static Change failingBake(String label) {
    Map<String, String> files = new LinkedHashMap<>(version(label));
    files.put(SampleApp.HEALTHY_CHECKS, "1\n");
    return Change.of(label + ": a release that fails its bake", files);
  }

  private String commit(String label) {
    return labels.entrySet().stream()
        .filter(e -> e.getValue().equals(label))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no commit " + label));
  }

  private String label(String commit) {
    if (commit == null) {
      return null;
    }
    return labels.getOrDefault(commit, "?" + commit.substring(0, Math.min(7, commit.length())));
  }

  private String lastGood(String environment) throws Exception {
    return driver.environment(environment).lastGood().map(g -> label(g.commit())).orElse("(none)");
  }

  private String awaitRunFactsTree(String label) throws Exception {
    return driver.awaitRun(commit(label)).facts().tree();
  }

  /** Waits until {@code holder}'s run holds production's slot and exactly these runs wait. */
  private void awaitQueue(String holder, List<String> waiting) {
    await("production's deploy slot held by " + label(holder) + ", " + waiting + " waiting")
        .atMost(SETTLE)
        .until(
            () -> {
              EnvironmentState state = driver.environment(PRODUCTION);
              return state.holder().map(EnvironmentState.Slot::commit).orElse("").equals(holder)
                  && state.waiting().stream()
                      .map(EnvironmentState.Slot::commit)
                      .toList()
                      .equals(waiting);
            });
  }

  private void assertLive(String environment, String label) {
    await(environment + " serves " + label)
        .atMost(SETTLE)
        .untilAsserted(
            () -> assertThat(driver.liveCommit(environment).map(this::label)).contains(label));
  }

  // ---------------------------------------------------------------- records

  /** The records of a commit's first deployment to an environment, by push. */
  private static List<String> firstDeployed(String label, String environment) {
    return List.of(
        "run-started " + label,
        "build-succeeded " + label,
        "deployment-started " + environment + " " + label,
        "deployed " + environment + " " + label);
  }

  /** The records of a push that deploys {@code label} over {@code previous}. */
  private static List<String> deployedOver(String label, String environment, String previous) {
    return deployedOver(label, environment, previous, "");
  }

  /** The records of a run that deploys {@code label} over {@code previous}. */
  private static List<String> deployedOver(
      String label, String environment, String previous, String trigger) {
    String by = trigger.isEmpty() ? "" : " trigger=" + trigger;
    return List.of(
        "run-started " + label + by,
        "build-succeeded " + label + by,
        "deployment-started " + environment + " " + label + " previousRelease=" + previous + by,
        "deployed " + environment + " " + label + " previousRelease=" + previous + by);
  }

  /** The records of a pushed commit whose bake failed, rolled back to {@code previous}. */
  private static List<String> rolledBack(String label, String environment, String previous) {
    String where = environment + " " + label;
    return List.of(
        "run-started " + label,
        "build-succeeded " + label,
        "deployment-started " + where + " previousRelease=" + previous,
        "deployment-failed " + where + " previousRelease=" + previous + " error=Cairn.VerifyFailed",
        "rolled-back "
            + where
            + " rolledBackTo="
            + previous
            + " error=Cairn.VerifyFailed trigger=automatic",
        "marked-bad " + where + " error=Cairn.VerifyFailed trigger=automatic");
  }

  /** The records about the commit a person rolled back from. */
  private static List<String> manualRollbackOf(String label, String environment, String to) {
    return List.of(
        "manual-action "
            + environment
            + " "
            + label
            + " rolledBackTo="
            + to
            + " action=rollback trigger=manual",
        "marked-bad " + environment + " " + label + " trigger=manual");
  }

  /**
   * A record as the suite compares it: {@code event [environment] commit}, then the event's fields
   * that name commits or errors, then the trigger unless it is the repository (a push or a poll).
   * Ids, times, run ids, digests, subjects and Cairn's version differ between drivers and runs, and
   * are left out.
   */
  protected String line(AuditRecord record) {
    StringBuilder line = new StringBuilder(record.event().wireName());
    if (record.environment() != null) {
      line.append(' ').append(record.environment());
    }
    line.append(' ').append(label(record.commit()));
    field(line, "previousRelease", label(record.previousRelease()));
    field(line, "rolledBackTo", label(record.rolledBackTo()));
    field(line, "supersededBy", label(record.supersededBy()));
    field(line, "error", record.error() == null ? null : record.error().name());
    field(line, "action", record.action());
    field(line, "revertBranch", record.revertBranch());
    field(line, "revertCommit", label(record.revertCommit()));
    String trigger = record.trigger().kind().wireName();
    // How the driver heard of a commit (a hook, a webhook, a poll) is not the runtime's doing.
    if (!trigger.equals("push") && !trigger.equals("poll")) {
      field(line, "trigger", trigger);
    }
    return line.toString();
  }

  private static void field(StringBuilder line, String name, String value) {
    if (value != null) {
      line.append(' ').append(name).append('=').append(value);
    }
  }

  /** The driver's records as lines, grouped by commit (see the class comment). */
  @SafeVarargs
  private void assertRecords(List<String>... expectedByCommit) throws Exception {
    Map<String, List<String>> byCommit = new LinkedHashMap<>();
    for (AuditRecord record : driver.records()) {
      byCommit.computeIfAbsent(record.commit(), c -> new ArrayList<>()).add(line(record));
    }
    List<String> actual = byCommit.values().stream().flatMap(List::stream).toList();
    List<String> expected =
        java.util.Arrays.stream(expectedByCommit).flatMap(List::stream).toList();
    assertThat(actual).containsExactlyElementsOf(expected);
  }
}
