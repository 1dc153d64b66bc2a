package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.runtime.ReleaseSupervision.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervision of live releases between deployments over in-memory adapters: what a failure
 * leads to (a restart in place, a wait, a rollback), with the clock moved by the test.
 */
class ReleaseSupervisionTest {
  private static final String ENV = "production";

  @TempDir Path work;
  private RuntimeFixture fixture;
  private final List<String> rollbacks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fixture = new RuntimeFixture(work);
  }

  private String commit(String version, int maxRestarts, boolean automatic) {
    return fixture.commit(
        """
        name: app
        build:
          steps:
            - run: write app.txt %s
          artifact: app.txt
        environments:
          - name: production
            app: {start: ./run, port: 8080}
            health: {path: /health, interval: 1s, failure-threshold: 2}
            bake: 0s
            rollback: {automatic: %s, max-restarts: %d, restart-window: 10m}
        """
            .formatted(version, automatic, maxRestarts));
  }

  private Outcome check() {
    return fixture
        .runtime
        .supervision()
        .check(
            ENV,
            (env, cause) -> {
              rollbacks.add(env + ": " + cause);
              return "rollback-run";
            });
  }

  private Release live() {
    return fixture.deployer.live(ENV).orElseThrow();
  }

  /** The live release's process dies. */
  private void kill() {
    fixture.deployer.running.remove(live());
  }

  private void later(Duration duration) {
    fixture.ahead.updateAndGet(d -> d.plus(duration));
  }

  private List<AuditRecord> restartRecords() {
    return fixture.audit.records().stream()
        .filter(r -> r.event() == AuditEvent.RELEASE_RESTARTED)
        .toList();
  }

  @Test
  void aHealthyReleaseIsLeftAlone() {
    fixture.deploy(commit("v1", 3, true), ENV);

    assertThat(check()).isEqualTo(Outcome.NOTHING);
    assertThat(fixture.deployer.started).hasSize(1);
  }

  @Test
  void aReleaseThatExitedIsStartedAgainAsItselfFromItsArtifactAndRecorded() {
    String commit = commit("v1", 3, true);
    fixture.deploy(commit, ENV);
    Release before = live();
    kill();

    assertThat(check()).isEqualTo(Outcome.RESTARTED);

    assertThat(live().id()).isEqualTo(before.id());
    assertThat(live().port()).isEqualTo(before.port());
    assertThat(fixture.deployer.started).hasSize(2);
    assertThat(fixture.deployer.started.get(1).artifactDigest()).isEqualTo(before.artifactDigest());
    assertThat(restartRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.commit()).isEqualTo(commit);
              assertThat(r.environment()).isEqualTo(ENV);
              assertThat(r.run()).isNull();
              assertThat(r.trigger().kind()).isEqualTo(AuditTrigger.Kind.AUTOMATIC);
              assertThat(r.error().name()).isEqualTo(ReleaseSupervision.EXITED);
              assertThat(r.error().cause()).contains("exited");
              assertThat(r.restarts()).isEqualTo(1);
              assertThat(r.artifact()).isEqualTo(before.artifactDigest());
              assertThat(r.subject()).startsWith("production: restarted " + r.shortCommit());
            });
    assertThat(fixture.events)
        .anySatisfy(e -> assertThat(e.kind().wireName()).isEqualTo("release-restarted"));
    assertThat(check()).isEqualTo(Outcome.NOTHING);
  }

  @Test
  void whatOutlivedTheFirstProcessAndAnswersIsAdoptedNotRestarted() {
    fixture.deploy(commit("v1", 3, true), ENV);
    Release before = live();
    kill();
    fixture.deployer.survivors.add(before.id());

    assertThat(check()).isEqualTo(Outcome.ADOPTED);

    assertThat(live().id()).isEqualTo(before.id());
    assertThat(live().pid()).isNotEqualTo(before.pid());
    assertThat(fixture.deployer.started).as("nothing started again").hasSize(1);
    assertThat(restartRecords()).isEmpty();
    assertThat(fixture.events)
        .filteredOn(e -> e.kind().wireName().equals("release-adopted"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.environment()).isEqualTo(ENV);
              assertThat(e.run()).isEqualTo("-");
              assertThat(e.message())
                  .contains("pid " + before.pid())
                  .contains("adopted (pid " + live().pid() + ")");
            });
    assertThat(check()).isEqualTo(Outcome.NOTHING);
  }

  @Test
  void survivorsThatDoNotAnswerAreKilledAndTheReleaseRestarted() {
    String commit = commit("v1", 3, true);
    fixture.deploy(commit, ENV);
    Release before = live();
    kill();
    fixture.deployer.survivors.add(before.id());
    fixture.deployer.unhealthy.add(commit);

    assertThat(check()).isEqualTo(Outcome.RESTART_FAILED);

    assertThat(fixture.deployer.started).hasSize(2);
    assertThat(fixture.events).noneMatch(e -> e.kind().wireName().equals("release-adopted"));
    assertThat(restartRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.error().name()).isEqualTo(ReleaseSupervision.EXITED);
              assertThat(r.error().cause())
                  .contains("2 process(es) it left running did not answer its health check");
            });
  }

  @Test
  void restartsBackOffExponentially() {
    fixture.deploy(commit("v1", 10, true), ENV);
    kill();
    assertThat(check()).as("the first restart at once").isEqualTo(Outcome.RESTARTED);

    kill();
    assertThat(check()).isEqualTo(Outcome.WAITING);
    later(Duration.ofSeconds(1));
    assertThat(check()).as("the second after 1s").isEqualTo(Outcome.RESTARTED);

    kill();
    later(Duration.ofSeconds(1));
    assertThat(check()).isEqualTo(Outcome.WAITING);
    later(Duration.ofSeconds(1));
    assertThat(check()).as("the third after 2s").isEqualTo(Outcome.RESTARTED);

    assertThat(restartRecords()).extracting(AuditRecord::restarts).containsExactly(1, 2, 3);
  }

  /** A pushed commit's run up to its bake, with every release process dying meanwhile. */
  private String deployedUntilEverythingDies(String commit) {
    String run = fixture.submit(commit, RunFacts.Trigger.PUSH, null);
    fixture.runtime.validate(run);
    fixture.runtime.build(run);
    fixture.runtime.enqueue(run, ENV, "token-" + run);
    fixture.runtime.plan(run, ENV);
    fixture.runtime.apply(run, ENV);
    // The last good release killed from outside, the new one crashing in its bake.
    fixture.deployer.running.clear();
    assertThatThrownBy(() -> fixture.runtime.verify(run, ENV)).isInstanceOf(StepFailure.class);
    fixture.runtime.rollback(run, ENV, "{\"Error\":\"Cairn.VerifyFailed\",\"Cause\":\"gone\"}");
    return run;
  }

  @Test
  void aRollbackToALastGoodReleaseThatDiedStartsItAgainAsItselfAndOnlyOnce() {
    fixture.deploy(commit("v1", 3, true), ENV);
    Release good = live();

    deployedUntilEverythingDies(commit("v2", 3, true));

    assertThat(live().id()).as("the same release, started again").isEqualTo(good.id());
    assertThat(live().port()).isEqualTo(good.port());
    assertThat(fixture.deployer.running(ENV)).extracting(Release::id).containsExactly(good.id());
    int started = fixture.deployer.started.size();

    // The next failed deployment finds it running: nothing else is started for it.
    String v3 = commit("v3", 3, true);
    String run = fixture.submit(v3, RunFacts.Trigger.PUSH, null);
    fixture.runtime.validate(run);
    fixture.runtime.build(run);
    fixture.runtime.enqueue(run, ENV, "token-" + run);
    fixture.runtime.plan(run, ENV);
    fixture.runtime.apply(run, ENV);
    fixture.deployer.running.removeIf(r -> r.commit().equals(v3));
    assertThatThrownBy(() -> fixture.runtime.verify(run, ENV)).isInstanceOf(StepFailure.class);
    fixture.runtime.rollback(run, ENV, "{\"Error\":\"Cairn.VerifyFailed\",\"Cause\":\"gone\"}");

    assertThat(fixture.deployer.started).hasSize(started + 1);
    assertThat(fixture.deployer.running(ENV)).extracting(Release::id).containsExactly(good.id());
  }

  @Test
  void aRollbackToALastGoodReleaseWhoseFirstProcessAloneDiedAdoptsWhatStillServes() {
    fixture.deploy(commit("v1", 3, true), ENV);
    Release good = live();
    // Only its first process dies during the next deployment; what it started keeps answering.
    fixture.deployer.survivors.add(good.id());
    int started = fixture.deployer.started.size();

    deployedUntilEverythingDies(commit("v2", 3, true));

    assertThat(live().id()).as("the same release").isEqualTo(good.id());
    assertThat(live().port()).isEqualTo(good.port());
    assertThat(fixture.deployer.started).as("v2's release only: no restart").hasSize(started + 1);
    assertThat(fixture.events)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo(RunEvent.Kind.RELEASE_ADOPTED);
              assertThat(e.message()).contains("adopted for the rollback");
            });
  }

  @Test
  void aClockSetBackDoesNotHoldRestartsBack() {
    fixture.deploy(commit("v1", 10, true), ENV);
    later(Duration.ofHours(2));
    kill();
    assertThat(check()).isEqualTo(Outcome.RESTARTED);
    // NTP or a person sets the clock back an hour.
    later(Duration.ofHours(-1));

    kill();
    assertThat(check()).as("the back-off counts from now").isEqualTo(Outcome.WAITING);
    later(Duration.ofSeconds(1));
    assertThat(check()).isEqualTo(Outcome.RESTARTED);
  }

  @Test
  void servicesInterruptedBecauseCairnStopsAreNoErrorAndAreEnsuredAgain() {
    String commit =
        fixture.commit(
            """
            name: app
            build:
              steps:
                - run: write app.txt v1
              artifact: app.txt
            environments:
              - name: production
                services:
                  db: {type: postgres}
                app: {start: ./run, port: 8080}
                health: {path: /health}
                bake: 0s
            """);
    fixture.deploy(commit, ENV);
    fixture.services =
        service -> {
          // What the local provisioner does when serve stops under it: flag kept, then throws.
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while running psql");
        };
    try {
      assertThat(check()).isEqualTo(Outcome.NOTHING);
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt is left for the stopping thread").isTrue();
    }
    assertThat(fixture.events).noneMatch(e -> e.kind() == RunEvent.Kind.ERROR);

    fixture.services =
        service -> {
          throw new IllegalStateException("no space left on device");
        };
    check();
    assertThat(fixture.events)
        .as("ensured again on the next pass, and a real failure is reported")
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo(RunEvent.Kind.ERROR);
              assertThat(e.message())
                  .isEqualTo("the services could not be started: no space left on device");
            });
  }

  @Test
  void aClockSetBackDoesNotStopHealthChecks() {
    String commit = commit("v1", 10, true);
    fixture.deploy(commit, ENV);
    later(Duration.ofHours(2));
    assertThat(check()).isEqualTo(Outcome.NOTHING);
    later(Duration.ofHours(-1));
    fixture.deployer.unhealthy.add(commit);

    assertThat(check()).as("one failed check of two").isEqualTo(Outcome.NOTHING);
    later(Duration.ofSeconds(1));
    assertThat(check()).as("the second, an interval later").isEqualTo(Outcome.RESTART_FAILED);
  }

  @Test
  void aReleaseThatStopsAnsweringIsRestartedAfterTheFailureThreshold() {
    String commit = commit("v1", 3, true);
    fixture.deploy(commit, ENV);
    fixture.deployer.unhealthy.add(commit);

    assertThat(check()).as("one failed check of two").isEqualTo(Outcome.NOTHING);
    assertThat(check()).as("the next check waits for the interval").isEqualTo(Outcome.NOTHING);
    later(Duration.ofSeconds(1));
    // Still unhealthy once started again: the restart is recorded, and reported as failed.
    assertThat(check()).isEqualTo(Outcome.RESTART_FAILED);

    assertThat(restartRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.error().name()).isEqualTo(ReleaseSupervision.UNHEALTHY));
  }

  @Test
  void aReleaseThatKeepsFailingAfterItsRestartsStartsARollback() {
    fixture.deploy(commit("v1", 1, true), ENV);
    String second = commit("v2", 1, true);
    fixture.deploy(second, ENV);
    kill();
    assertThat(check()).isEqualTo(Outcome.RESTARTED);
    kill();

    assertThat(check()).isEqualTo(Outcome.ROLLING_BACK);

    assertThat(rollbacks)
        .singleElement()
        .asString()
        .startsWith("production: the live release of " + second.substring(0, 7) + " exited")
        .contains("restarted 1 time(s) within 10m");
    assertThat(restartRecords()).hasSize(1);
  }

  @Test
  void withoutAnEarlierGoodReleaseOrAutomaticRollbackItKeepsRestarting() {
    fixture.deploy(commit("v1", 0, true), ENV);
    kill();
    assertThat(check()).as("nothing to roll back to").isEqualTo(Outcome.RESTARTED);

    fixture.deploy(commit("v2", 0, false), ENV);
    kill();
    assertThat(check()).as("automatic: false").isEqualTo(Outcome.RESTARTED);
    assertThat(rollbacks).isEmpty();
  }

  @Test
  void nothingIsDoneWhileARunHoldsTheDeploySlot() {
    fixture.deploy(commit("v1", 3, true), ENV);
    fixture.environments.update(
        ENV,
        s ->
            s.withQueue(
                java.util.Optional.of(new EnvironmentState.Slot("running-run", 99, "c", "t")),
                List.of(),
                99));
    kill();

    assertThat(check()).isEqualTo(Outcome.NOTHING);
    assertThat(restartRecords()).isEmpty();
  }
}
