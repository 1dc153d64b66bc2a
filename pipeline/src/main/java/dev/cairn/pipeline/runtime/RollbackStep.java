package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.RollbackSpec;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.SourceReverter;
import java.io.IOException;
import java.util.Optional;

/**
 * The {@code rollback} state of an environment: traffic goes back to the last good release (still
 * running, or started again from its stored artifact — no rebuild), the failed release stops, the
 * commit is marked bad there, and the {@code rollback.revert} policy may push a revert commit.
 */
final class RollbackStep {
  private final StepSupport support;
  private final RuntimePorts ports;
  private final StackDeployment stacks;

  RollbackStep(StepSupport support, StackTemplates templates) {
    this.support = support;
    this.ports = support.ports;
    this.stacks = new StackDeployment(support, templates, duration -> {});
  }

  /**
   * Rolls the environment back.
   *
   * @param errorJson the error that caused the rollback, as the state machine's JSON text ({@code
   *     {"Error": ..., "Cause": ...}}), or null
   */
  void rollback(String run, String environment, String errorJson) {
    RunFacts facts = ports.runs().get(run);
    EnvironmentSpec spec = support.environment(facts, environment);
    AuditRecorder.Run recordRun = AuditRecorder.Run.of(facts);
    RunFacts.Deployment deployment = facts.deployment(environment);
    // The step's own reason beats what the driver saw (on AWS: Batch's States.TaskFailed).
    AuditError error =
        deployment.failure() != null
            ? support.audit.error(deployment.failure().error(), deployment.failure().cause())
            : support.audit.error(parseOrNull(errorJson));
    support.audit.record(
        AuditEvent.DEPLOYMENT_FAILED,
        recordRun,
        environment,
        null,
        null,
        b ->
            b.startedAt(deployment.startedAt())
                .duration(support.audit.since(deployment.startedAt()))
                .error(error)
                .previousRelease(deployment.previousRelease())
                .artifact(facts.artifact()));
    Optional<EnvironmentState.LastGood> lastGood =
        ports
            .environments()
            .read(environment)
            .lastGood()
            .filter(good -> !good.commit().equals(facts.commit()));
    if (ports.target() instanceof DeployTarget.Processes target) {
      Optional<Release> failed = DeployStep.releaseOf(target, facts, environment);
      if (deployment.switched() && lastGood.isPresent()) {
        EnvironmentState.LastGood good = lastGood.get();
        Release back =
            target.deployer().running(environment).stream()
                .filter(r -> r.id().equals(good.releaseId()))
                .findFirst()
                .orElseGet(() -> restart(target, spec, good));
        target.deployer().switchTraffic(back);
      }
      failed.ifPresent(target.deployer()::stop);
    } else if (ports.target() instanceof DeployTarget.Stack stack && lastGood.isPresent()) {
      EnvironmentState.LastGood good = lastGood.get();
      requireArtifact(good);
      stacks.rollback(stack, run, spec, good);
    }
    String rolledBackTo = lastGood.map(EnvironmentState.LastGood::commit).orElse(null);
    // The whole cause (the record keeps one line of it), for the run's status and the API.
    RunFacts.Failure why =
        deployment.failure() != null
            ? deployment.failure()
            : error == null
                ? null
                : new RunFacts.Failure(
                    error.name(),
                    support.audit.redact(parseOrNull(errorJson).path("Cause").asText("")).strip());
    ports
        .runs()
        .update(
            run,
            f ->
                f.withDeployment(
                    environment, d -> d.withRolledBackTo(rolledBackTo).withFailure(why)));
    support.audit.record(
        AuditEvent.ROLLED_BACK,
        recordRun,
        environment,
        AuditRecorder.AUTOMATIC,
        null,
        b -> b.error(error).rolledBackTo(rolledBackTo).artifact(facts.artifact()));
    ports.environments().update(environment, state -> state.withBad(facts.commit()));
    support.audit.record(
        AuditEvent.MARKED_BAD,
        recordRun,
        environment,
        AuditRecorder.AUTOMATIC,
        null,
        b -> b.error(error));
    String reason = reasonOf(errorJson);
    support.event(
        run,
        RunEvent.Kind.ROLLED_BACK,
        environment,
        lastGood
                .map(
                    g ->
                        "back to "
                            + RunFacts.shortId(g.commit())
                            + "; "
                            + RunFacts.shortId(facts.commit())
                            + " marked bad")
                .orElse("no earlier release to return to; the failed release was stopped")
            + (reason == null ? "" : " (" + reason + ")"));
    revertIfAsked(run, environment, spec.rollback().revert(), recordRun);
  }

  /**
   * Brings back the last good release, whose first process no longer runs: what that process
   * started is adopted when it still answers (killed during this deployment, when supervision
   * leaves the environment alone); otherwise it is started again from its stored artifact, no
   * rebuild: as itself when it is still recorded (same id and port; what is left of its processes
   * is killed first), else (recovered from the trail) as a new release the ledger then names, so
   * that a later rollback finds it running instead of starting yet another one.
   */
  private Release restart(
      DeployTarget.Processes target, EnvironmentSpec spec, EnvironmentState.LastGood good) {
    requireArtifact(good);
    Optional<Release> recorded = target.deployer().recorded(spec.name(), good.releaseId());
    if (recorded.isPresent()) {
      Optional<Release> adopted =
          target.deployer().adoptSurvivors(recorded.get(), spec.health()).adopted();
      if (adopted.isPresent()) {
        // No restart: a release slow to start would keep the rollback (and its clients) waiting.
        support.event(
            "-",
            RunEvent.Kind.RELEASE_ADOPTED,
            spec.name(),
            RunFacts.shortId(good.commit())
                + ": the release's first process (pid "
                + recorded.get().pid()
                + ") was gone, but what it started still answers "
                + spec.health().path()
                + ": adopted for the rollback (pid "
                + adopted.get().pid()
                + "), not restarted");
        return adopted.get();
      }
      Release again = support.restartAsItself(target, spec, good, recorded.get());
      support.awaitHealthy(target, again, spec, good.commit(), CairnError.ROLLBACK_FAILED);
      return again;
    }
    Release started = startNew(spec, good);
    ports.environments().update(spec.name(), state -> state.withLastGoodRelease(started.id()));
    return started;
  }

  private Release startNew(EnvironmentSpec spec, EnvironmentState.LastGood good) {
    Variables.Resolved variables =
        support.releaseVariables(spec, good.commit(), good.artifact(), support.services(spec));
    return support.startHealthy(
        spec,
        good.commit(),
        good.artifact(),
        good.runId(),
        variables.env(),
        CairnError.ROLLBACK_FAILED);
  }

  private static void requireArtifact(EnvironmentState.LastGood good) {
    if (good.artifact() == null || good.artifact().isEmpty()) {
      throw new StepFailure(
          CairnError.ROLLBACK_FAILED,
          "the last good release " + RunFacts.shortId(good.commit()) + " has no artifact recorded");
    }
  }

  /**
   * The {@code rollback.revert} policy: pushes a commit reverting the rolled-back one, at most once
   * per run and environment (a rollback re-run after a crash does not push a second revert), and
   * only for runs of pushed commits (a manual deploy of an old commit is not reverted on main).
   */
  private void revertIfAsked(
      String run, String environment, RollbackSpec.Revert policy, AuditRecorder.Run recordRun) {
    if (policy == RollbackSpec.Revert.OFF
        || recordRun.trigger().kind() == AuditTrigger.Kind.MANUAL
        || ports.runs().get(run).deployment(environment).revertAttempted()) {
      return;
    }
    ports
        .runs()
        .update(run, f -> f.withDeployment(environment, RunFacts.Deployment::withRevertAttempted));
    if (ports.reverter() == null) {
      support.event(
          run, RunEvent.Kind.REVERT_FAILED, environment, "this Cairn cannot push revert commits");
      return;
    }
    try {
      SourceReverter.Reverted reverted =
          ports.reverter().revert(recordRun.commit(), policy == RollbackSpec.Revert.MAIN);
      support.event(run, RunEvent.Kind.REVERTED, environment, reverted.explanation());
      support.audit.record(
          AuditEvent.REVERTED,
          recordRun,
          environment,
          AuditRecorder.AUTOMATIC,
          null,
          b -> b.revertCommit(reverted.commit()).revertBranch(reverted.branch()));
    } catch (IOException | RuntimeException e) {
      support.event(
          run,
          RunEvent.Kind.REVERT_FAILED,
          environment,
          "no revert commit was pushed: " + support.audit.redact(e.getMessage()));
    }
  }

  static JsonNode parseOrNull(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      return Json.parse(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The error that led to a rollback, for people: its name and the first line of its cause. */
  static String reasonOf(String errorJson) {
    JsonNode error = parseOrNull(errorJson);
    if (error == null) {
      return errorJson == null || errorJson.isBlank()
          ? null
          : errorJson.lines().findFirst().orElse("");
    }
    String cause = error.path("Cause").asText("").lines().findFirst().orElse("");
    return error.path("Error").asText("error") + (cause.isEmpty() ? "" : ": " + cause);
  }
}
