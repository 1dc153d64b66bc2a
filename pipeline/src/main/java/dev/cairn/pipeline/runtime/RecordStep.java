package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.port.RunEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The record states: a run's outcome (built and failed, deployed, rolled back, skipped) goes into
 * its facts and the audit trail, and an environment's deploy slot is released for the next run.
 */
final class RecordStep {
  private static final DateTimeFormatter TAG_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final StepSupport support;
  private final RuntimePorts ports;

  RecordStep(StepSupport support) {
    this.support = support;
    this.ports = support.ports;
  }

  /**
   * Records an outcome.
   *
   * @param environment the environment, or null for the build's outcome
   * @param error the error name and cause that led to it (a failed build, a skip), or null
   * @return the error the run ends with for this outcome: for a failed build, its own reason (an
   *     invalid pipeline file is {@code Cairn.InvalidPipeline}, never the generic build failure),
   *     with its whole cause; otherwise the recorded error, or null
   */
  AuditError record(String run, String environment, RecordedOutcome outcome, AuditError error) {
    RunFacts facts =
        ports
            .runs()
            .update(
                run,
                f ->
                    environment == null
                        ? f.withOutcome(outcome.wireName())
                        : f.withDeployment(environment, d -> d.withOutcome(outcome.wireName())));
    AuditRecorder.Run recordRun = AuditRecorder.Run.of(facts);
    RunFacts.Failure known = outcome == RecordedOutcome.BUILD_FAILED ? facts.buildFailure() : null;
    // The build's own reason beats what the driver saw (on AWS: Batch's States.TaskFailed).
    AuditError redacted =
        known != null
            ? support.audit.error(known.error(), known.cause())
            : error == null ? null : support.audit.error(error.name(), error.cause());
    switch (outcome) {
      case DEPLOYED -> {
        support.event(
            run,
            RunEvent.Kind.DEPLOYED,
            environment,
            "deployed " + RunFacts.shortId(facts.commit()));
        RunFacts.Deployment deployment = facts.deployment(environment);
        String tag = releaseTag(facts, environment);
        support.audit.record(
            AuditEvent.DEPLOYED,
            recordRun,
            environment,
            null,
            null,
            b ->
                b.startedAt(deployment.startedAt())
                    .duration(support.audit.since(deployment.startedAt()))
                    .previousRelease(deployment.previousRelease())
                    .artifact(facts.artifact())
                    .releaseTag(tag));
      }
      case BUILD_FAILED -> {
        Instant started =
            facts.buildStartedAt() != null ? facts.buildStartedAt() : facts.submittedAt();
        support.audit.record(
            AuditEvent.BUILD_FAILED,
            recordRun,
            null,
            null,
            null,
            b -> b.startedAt(started).duration(support.audit.since(started)).error(redacted));
      }
      case SKIPPED -> {
        boolean bad = redacted != null && CairnError.SKIPPED.errorName().equals(redacted.name());
        support.audit.record(
            bad ? AuditEvent.SKIPPED_BAD : AuditEvent.SUPERSEDED,
            recordRun,
            environment,
            AuditRecorder.AUTOMATIC,
            null,
            b ->
                bad
                    ? b.error(redacted)
                    : b.supersededBy(facts.deployment(environment).supersededBy()));
      }
      case ROLLED_BACK -> {
        // The rollback step recorded what happened, as it happened.
      }
    }
    if (outcome != RecordedOutcome.BUILD_FAILED) {
      return redacted;
    }
    if (known != null) {
      // The facts keep the whole cause (every problem of the pipeline file), secrets masked.
      return new AuditError(known.error(), known.cause());
    }
    return redacted != null
        ? redacted
        : new AuditError(CairnError.BUILD_FAILED.errorName(), BUILD_FAILED_CAUSE);
  }

  /** Why a build failed when nothing more is known. */
  static final String BUILD_FAILED_CAUSE = "The commit did not build; nothing was deployed.";

  private String releaseTag(RunFacts facts, String environment) {
    PipelineDefinition pipeline;
    try {
      pipeline = support.pipeline(facts);
    } catch (StepFailure e) {
      return null;
    }
    // Unique per commit even when one environment gets two releases within a second.
    return pipeline.audit().tags()
        ? "cairn/"
            + environment
            + "/"
            + TAG_TIME.format(ports.clock().instant())
            + "-"
            + RunFacts.shortId(facts.commit())
        : null;
  }
}
