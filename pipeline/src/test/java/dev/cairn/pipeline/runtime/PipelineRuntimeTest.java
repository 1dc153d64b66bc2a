package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's rules over in-memory adapters: what each state does to the run's facts, the
 * environments' states, the releases and the audit trail. The same steps serve the local loop and
 * the AWS functions and runner; the behaviour suites run them on both drivers.
 */
class PipelineRuntimeTest {
  private static final String ENV = "production";

  @TempDir Path work;
  private RuntimeFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new RuntimeFixture(work);
  }

  private static String pipeline(String version, String extraAppEnv) {
    return """
        name: app
        build:
          env: {TOKEN: "${secrets.api-token}"}
          steps:
            - run: write app.txt %s
          artifact: app.txt
        environments:
          - name: production
            app:
              start: ./run
              port: 8080
              env: {%s}
            health: {path: /health, failure-threshold: 1}
            bake: 0s
        """
        .formatted(version, extraAppEnv);
  }

  private String good(String version) {
    return fixture.commit(pipeline(version, ""));
  }

  @BeforeEach
  void secrets() {
    fixture.secrets.put("api-token", "canary-7f9d");
  }

  @Test
  void aFirstDeployBecomesTheLastGoodReleaseAndIsRecorded() {
    String commit = good("v1");

    String run = fixture.deploy(commit, ENV);

    EnvironmentState state = fixture.environments.read(ENV);
    assertThat(state.lastGood())
        .get()
        .extracting(EnvironmentState.LastGood::commit)
        .isEqualTo(commit);
    assertThat(state.holder()).isEmpty();
    assertThat(fixture.deployer.live(ENV)).get().extracting(r -> r.commit()).isEqualTo(commit);
    assertThat(fixture.recordEvents())
        .containsExactly(
            "run-started",
            "build-succeeded",
            "deployment-started production",
            "deployed production");
    RunFacts facts = fixture.runs.get(run);
    assertThat(facts.deployment(ENV).switched()).isTrue();
    assertThat(facts.deployment(ENV).outcome()).isEqualTo("deployed");
    assertThat(facts.pipelineFile()).contains("name: app");
    // Every secret the store holds is masked in the build's output, not only the ones it names.
    assertThat(fixture.jobs.get(0).masked()).contains("canary-7f9d");
  }

  @Test
  void thePreviousReleaseIsStoppedAlsoWhenItsFirstProcessDiedDuringTheDeployment() {
    fixture.deploy(good("v1"), ENV);
    Release first = fixture.deployer.live(ENV).orElseThrow();
    // Its first process is gone; what it started may run on, which only a stop kills.
    fixture.deployer.running.remove(first);

    String second = good("v2");
    fixture.deploy(second, ENV);

    assertThat(fixture.deployer.live(ENV)).get().extracting(Release::commit).isEqualTo(second);
    assertThat(fixture.deployer.recorded(ENV, first.id())).as("stopped").isEmpty();
  }

  @Test
  void anIdenticalTreeReusesItsArtifactWithoutABuild() {
    String commit = good("v1");
    fixture.deploy(commit, ENV);

    String again = fixture.submit(commit, RunFacts.Trigger.MANUAL, ENV);
    fixture.runtime.validate(again);
    fixture.runtime.build(again);

    assertThat(fixture.jobs).hasSize(1);
    assertThat(fixture.kinds()).contains("build-reused");
  }

  @Test
  void aFailingBuildFailsWithItsStepAndIsRecordedWithoutTheSecret() {
    String commit =
        fixture.commit(
            pipeline("v1", "").replace("- run: write app.txt v1", "- {name: test, run: fail}"));
    String run = fixture.submit(commit, RunFacts.Trigger.PUSH, null);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class, f -> assertThat(f.kind()).isEqualTo(CairnError.BUILD_FAILED));
    // What the driver saw (on AWS: Batch's States.TaskFailed) yields to the build's own reason.
    fixture.runtime.record(
        run,
        null,
        RecordedOutcome.BUILD_FAILED,
        new dev.cairn.pipeline.audit.AuditError("States.TaskFailed", "Essential container exited"));

    AuditRecord failed = fixture.audit.records().get(fixture.audit.records().size() - 1);
    assertThat(failed.event()).isEqualTo(AuditEvent.BUILD_FAILED);
    assertThat(failed.error().name()).isEqualTo("Cairn.BuildFailed");
    assertThat(failed.error().cause()).contains("TOKEN=***").doesNotContain("canary");
    assertThat(fixture.runs.get(run).buildFailure().cause()).doesNotContain("canary");
    assertThat(fixture.environments.read(ENV).lastGood()).isEmpty();
  }

  @Test
  void anInvalidPipelineFileFailsTheBuildWithItsLineAndColumn() {
    String commit = fixture.commit("name: app\nbuild: {steps: []}\nenvironments: [{nam: x}]\n");
    String run = fixture.submit(commit, RunFacts.Trigger.PUSH, null);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.INVALID_PIPELINE);
              assertThat(f.cause()).startsWith("cairn.yml:");
            });
    assertThat(fixture.kinds()).contains("build-failed");
  }

  @Test
  void aPipelineFileThatIsALinkIsRefusedWithoutReadingItsTarget() throws Exception {
    Path workspace = Files.createDirectories(work.resolve("linked"));
    Files.createSymbolicLink(workspace.resolve("cairn.yml"), Path.of("/dev/zero"));

    assertThatThrownBy(() -> BuildStep.readPipelineFile(workspace))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f ->
                assertThat(f.cause())
                    .isEqualTo("cairn.yml must be a regular file, not a symbolic link"));
  }

  @Test
  void anArtifactBehindALinkOutOfTheWorkspaceIsRefused() throws Exception {
    Path outside = Files.createDirectories(work.resolve("home/.ssh"));
    Files.writeString(outside.resolve("id_ed25519"), "private key");
    Path workspace = Files.createDirectories(work.resolve("ws"));
    Files.createSymbolicLink(workspace.resolve("x"), outside);

    assertThatThrownBy(() -> BuildStep.artifactPath(workspace, "x/id_ed25519"))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.BUILD_FAILED);
              assertThat(f.cause()).contains("leads outside the workspace");
            });
  }

  @Test
  void anUnhealthyReleaseRollsBackToTheLastGoodOneAndIsMarkedBad() {
    String first = good("v1");
    fixture.deploy(first, ENV);
    String bad = good("v2");
    fixture.deployer.unhealthy.add(bad);

    fixture.deploy(bad, ENV);

    EnvironmentState state = fixture.environments.read(ENV);
    assertThat(state.isBad(bad)).isTrue();
    assertThat(state.lastGood())
        .get()
        .extracting(EnvironmentState.LastGood::commit)
        .isEqualTo(first);
    assertThat(fixture.deployer.live(ENV)).get().extracting(r -> r.commit()).isEqualTo(first);
    assertThat(fixture.deployer.running(ENV)).extracting(r -> r.commit()).containsExactly(first);
    assertThat(fixture.recordEvents())
        .containsSubsequence(
            "deployment-started production",
            "deployment-failed production",
            "rolled-back production",
            "marked-bad production");
  }

  @Test
  void aCommitMarkedBadIsSkippedUnlessSomeoneDeploysItByHand() {
    fixture.deploy(good("v1"), ENV);
    String bad = good("v2");
    fixture.deployer.unhealthy.add(bad);
    fixture.deploy(bad, ENV);
    fixture.deployer.unhealthy.clear();

    String pushed = fixture.deploy(bad, ENV);
    assertThat(fixture.tokens.answers.get("token-" + pushed + "-" + ENV))
        .isEqualTo("Cairn.Skipped");

    String manual = fixture.submit(bad, RunFacts.Trigger.MANUAL, ENV);
    fixture.runtime.build(manual);
    fixture.runThrough(manual, ENV);
    assertThat(fixture.tokens.answers.get("token-" + manual + "-" + ENV)).isEqualTo("granted");
    assertThat(fixture.deployer.live(ENV)).get().extracting(r -> r.commit()).isEqualTo(bad);
  }

  @Test
  void whileARunDeploysOnlyTheNewestWaitingRunDeploysNextAndTheOthersAreSuperseded() {
    String a = good("a");
    String b = good("b");
    String c = good("c");
    String runA = fixture.submit(a, RunFacts.Trigger.PUSH, null);
    String runB = fixture.submit(b, RunFacts.Trigger.PUSH, null);
    String runC = fixture.submit(c, RunFacts.Trigger.PUSH, null);
    for (String run : new String[] {runA, runB, runC}) {
      fixture.runtime.build(run);
    }

    fixture.runtime.enqueue(runA, ENV, "ta");
    fixture.runtime.enqueue(runC, ENV, "tc");
    fixture.runtime.enqueue(runB, ENV, "tb");
    assertThat(fixture.tokens.answers).containsOnlyKeys("ta");
    fixture.runtime.record(runA, ENV, RecordedOutcome.DEPLOYED, null);

    assertThat(fixture.tokens.answers)
        .containsEntry("tc", "granted")
        .containsEntry("tb", "Cairn.Superseded");
    assertThat(fixture.runs.get(runB).deployment(ENV).supersededBy()).isEqualTo(c);
    fixture.runtime.record(
        runB,
        ENV,
        RecordedOutcome.SKIPPED,
        new dev.cairn.pipeline.audit.AuditError("Cairn.Superseded", "superseded"));
    AuditRecord superseded = fixture.audit.records().get(fixture.audit.records().size() - 1);
    assertThat(superseded.event()).isEqualTo(AuditEvent.SUPERSEDED);
    assertThat(superseded.supersededBy()).isEqualTo(c);

    // An older run arriving after a newer one was granted never deploys after it.
    String late = fixture.submit(good("late"), RunFacts.Trigger.PUSH, null);
    fixture.runs.update(late, f -> f.withRepository(null, 1));
    fixture.runtime.enqueue(late, ENV, "tl");
    assertThat(fixture.tokens.answers).containsEntry("tl", "Cairn.Superseded");
  }

  @Test
  void aManualRollbackReturnsToTheGoodReleaseBeforeAndMarksTheCurrentBad() {
    String first = good("v1");
    fixture.deploy(first, ENV);
    String second = good("v2");
    fixture.deploy(second, ENV);

    PipelineRuntime.ManualRollback rollback = fixture.runtime.manualRollback(ENV, null);

    assertThat(rollback.target()).isEqualTo(first);
    assertThat(rollback.from()).contains(second);
    assertThat(fixture.environments.read(ENV).isBad(second)).isTrue();
    assertThatThrownBy(
            () -> new RuntimeFixture(work.resolve("x")).runtime.manualRollback(ENV, null))
        .hasMessage("no earlier good release of production to roll back to");
  }

  @Test
  void releaseVariablesResolveTheArtifactAndTheEscapeLikeTheValidatorDoes() {
    String commit = fixture.commit(pipeline("v1", "ART: \"${artifact}\", LIT: \"$${HOME}\""));

    fixture.deploy(commit, ENV);

    ReleaseSpec spec = fixture.deployer.started.get(0);
    assertThat(spec.env().get("ART")).startsWith("sha256:");
    assertThat(spec.env().get("LIT")).isEqualTo("${HOME}");
  }

  @Test
  void aMissingSecretFailsTheBuildNamingTheSecretOnly() {
    fixture.secrets.clear();
    String run = fixture.submit(good("v1"), RunFacts.Trigger.PUSH, null);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.MISSING_SECRET);
              assertThat(f.cause()).contains("'api-token'");
            });
  }

  @Test
  void anEnvironmentNameThatIsNotOneIsRefusedBeforeAnyUse() {
    assertThatThrownBy(() -> fixture.environments.update("../../x", s -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid");
  }
}
