package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.RunEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The pipeline's runtime: the work behind every state the compiler emits (validate, build, the
 * deploy queue, plan, apply, verify, rollback, record, destroy), written once over {@link
 * RuntimePorts}. The local loop calls it from the engine's task handlers in-process; on AWS the
 * Lambda functions and {@code cairn runner} are shells that build AWS adapters and call the same
 * methods.
 *
 * <p>Each method is one state's task. A failure is a {@link StepFailure} whose {@link CairnError}
 * tells the state machine how to react. Every method may be called again for the same run after a
 * crash (the engine re-dispatches a task whose end it did not record; Batch and Lambda retry): each
 * does at most once what must happen once (a release started, a record appended, a revert pushed).
 */
public final class PipelineRuntime {
  private final RuntimePorts ports;
  private final StepSupport support;
  private final BuildStep build;
  private final DeployStep deploy;
  private final RollbackStep rollback;
  private final RecordStep record;
  private final DeployQueue queue;
  private final ReleaseSupervision supervision;

  /**
   * A runtime whose deploy queue answers through {@code tokens}.
   *
   * @param ports the adapters
   * @param tokens answers the deploy queue's waiting tasks, or null for a driver that serves no
   *     queue state (the AWS runner): {@link #enqueue} and the slot release of {@link #record} then
   *     fail
   * @param runEnded true for a run whose execution ended (frees a slot it still holds)
   */
  public PipelineRuntime(RuntimePorts ports, TaskTokens tokens, Predicate<String> runEnded) {
    this.ports = ports;
    this.support = new StepSupport(ports);
    StackTemplates templates = new StackTemplates(ports);
    this.build = new BuildStep(support);
    this.deploy = new DeployStep(support, templates, duration -> Thread.sleep(duration.toMillis()));
    this.rollback = new RollbackStep(support, templates);
    this.record = new RecordStep(support);
    this.supervision = new ReleaseSupervision(support, runEnded);
    this.queue =
        tokens == null
            ? null
            : new DeployQueue(
                ports.environments(), ports.runs(), tokens, ports.listener(), runEnded);
  }

  /** A runtime without a deploy queue (the AWS runner's jobs). */
  public static PipelineRuntime withoutQueue(RuntimePorts ports) {
    return new PipelineRuntime(ports, null, run -> false);
  }

  /** The ports. */
  public RuntimePorts ports() {
    return ports;
  }

  /**
   * Stores a new run's facts and records that it started, saying when its jobs and releases run
   * unsandboxed ({@link RuntimePorts#isolation()}).
   */
  public void started(RunFacts facts) {
    ports.runs().create(facts);
    support.audit.record(
        AuditEvent.RUN_STARTED,
        AuditRecorder.Run.of(facts),
        null,
        null,
        null,
        b -> b.isolation(ports.isolation()));
    support.event(
        facts.id(),
        RunEvent.Kind.RUN_STARTED,
        null,
        RunFacts.shortId(facts.commit()) + " " + (facts.message() == null ? "" : facts.message()));
  }

  /** Records that the run is a deploy by hand to {@code environment} of a merged commit. */
  public void manualDeploy(String run, String environment) {
    manualDeploy(run, environment, false);
  }

  /**
   * Records that the run is a deploy by hand to {@code environment}.
   *
   * @param allowUnmerged the person allowed a commit that is not on the watched branch
   */
  public void manualDeploy(String run, String environment, boolean allowUnmerged) {
    support.audit.record(
        AuditEvent.MANUAL_ACTION,
        AuditRecorder.Run.of(ports.runs().get(run)),
        environment,
        null,
        "deploy",
        b -> b.action("deploy").allowUnmerged(allowUnmerged));
  }

  /**
   * What a rollback by hand returns to, decided before its run starts.
   *
   * @param target the commit to deploy again
   * @param from the commit the environment ran, now marked bad; or empty
   */
  public record ManualRollback(String target, Optional<String> from) {}

  /**
   * Decides a rollback by hand: the commit to return to (the one given, or the good release before
   * the current one) and marks the current commit bad, so that it is not deployed again
   * automatically.
   *
   * @param toCommit the commit asked for, or null
   * @throws IllegalArgumentException when there is nothing to roll back to
   */
  public ManualRollback manualRollback(String environment, String toCommit) {
    EnvironmentState state = ports.environments().read(environment);
    String target =
        toCommit != null
            ? toCommit
            : state
                .previousGood()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "no earlier good release of " + environment + " to roll back to"));
    Optional<String> from =
        state.lastGood().map(EnvironmentState.LastGood::commit).filter(c -> !c.equals(target));
    from.ifPresent(c -> ports.environments().update(environment, s -> s.withBad(c)));
    return new ManualRollback(target, from);
  }

  /** The supervision of the environments' live releases between deployments. */
  public ReleaseSupervision supervision() {
    return supervision;
  }

  /**
   * Records the rollback supervision decided (the live release kept failing), whose run {@code run}
   * redeploys the target: {@code rolled-back} and {@code marked-bad} of the failing commit, both
   * Cairn's own ({@code automatic}).
   *
   * @param cause why, for people
   */
  public void recordSupervisedRollback(
      String run, String environment, ManualRollback rollback, String cause) {
    AuditRecorder.Run facts = AuditRecorder.Run.of(ports.runs().get(run));
    AuditRecorder.Run from = rollback.from().map(facts::about).orElse(facts);
    var error = support.audit.error(ReleaseSupervision.KEPT_FAILING, cause);
    support.audit.record(
        AuditEvent.ROLLED_BACK,
        from,
        environment,
        AuditRecorder.AUTOMATIC,
        "supervision",
        b -> b.error(error).rolledBackTo(rollback.target()));
    if (rollback.from().isPresent()) {
      support.audit.record(
          AuditEvent.MARKED_BAD,
          from,
          environment,
          AuditRecorder.AUTOMATIC,
          "supervision",
          b -> b.error(error));
    }
    support.event(
        run,
        RunEvent.Kind.ROLLED_BACK,
        environment,
        "back to "
            + RunFacts.shortId(rollback.target())
            + rollback.from().map(c -> "; " + RunFacts.shortId(c) + " marked bad").orElse("")
            + " ("
            + cause
            + ")");
  }

  /** Records a rollback by hand to a merged commit, whose run {@code run} redeploys the target. */
  public void recordManualRollback(String run, String environment, ManualRollback rollback) {
    recordManualRollback(run, environment, rollback, false);
  }

  /**
   * Records a rollback by hand, whose run {@code run} redeploys the target.
   *
   * @param allowUnmerged the person allowed a target that is not on the watched branch
   */
  public void recordManualRollback(
      String run, String environment, ManualRollback rollback, boolean allowUnmerged) {
    AuditRecorder.Run facts = AuditRecorder.Run.of(ports.runs().get(run));
    // The records are about the commit rolled back from; the run's own are about the target.
    AuditRecorder.Run from = rollback.from().map(facts::about).orElse(facts);
    support.audit.record(
        AuditEvent.MANUAL_ACTION,
        from,
        environment,
        null,
        "rollback",
        b ->
            b.action("rollback")
                .allowUnmerged(allowUnmerged)
                .rolledBackTo(rollback.target().equals(from.commit()) ? null : rollback.target()));
    // Last, so that the commit's note says what it is now: bad in this environment.
    if (rollback.from().isPresent()) {
      support.audit.record(AuditEvent.MARKED_BAD, from, environment, null, "manual", b -> b);
    }
  }

  /**
   * The pipeline of a checked-out commit, or empty when its file is missing or invalid (the run's
   * build then fails and says why).
   */
  public static Optional<PipelineDefinition> readPipeline(Path workspace) {
    try {
      return Optional.of(StepSupport.parse(BuildStep.readPipelineFile(workspace)));
    } catch (StepFailure invalid) {
      return Optional.empty();
    }
  }

  /** {@code validate}: numbers the run if it has no number yet; returns its facts. */
  public RunFacts validate(String run) {
    return build.validate(run);
  }

  /**
   * {@code build}: checks out the commit, validates its pipeline file, builds it or reuses the
   * artifact of its tree.
   *
   * @return the artifact digest
   */
  public String build(String run) {
    return build.build(run);
  }

  /**
   * The environment's {@code queue}: the run waits for the environment's deploy slot; its task
   * token is answered when it gets it, or failed with {@link CairnError#SUPERSEDED} or {@link
   * CairnError#SKIPPED}.
   */
  public List<QueueRules.Reply> enqueue(String run, String environment, String token) {
    return queue().enqueue(run, environment, token);
  }

  /** Frees the environment's slot if the run holds it, and grants it to the next run. */
  public List<QueueRules.Reply> release(String run, String environment) {
    return queue().release(run, environment);
  }

  /** {@code plan}: what the deployment will change; records that it started. */
  public ObjectNode plan(String run, String environment) {
    return deploy.plan(run, environment);
  }

  /** {@code apply}: migrates, starts and switches to the run's release (or deploys the stack). */
  public void apply(String run, String environment) {
    keepingFailure(run, environment, () -> deploy.apply(run, environment));
  }

  /** {@code verify}: the bake; the release becomes the environment's last good one. */
  public void verify(String run, String environment) {
    keepingFailure(run, environment, () -> deploy.verify(run, environment));
  }

  /**
   * Runs a deployment step; why it failed is kept in the run's facts, so that the rollback records
   * the step's own error whatever the driver reports to the state machine (on AWS, a failed Batch
   * job is {@code States.TaskFailed}). A transient failure is retried by the state, not kept.
   */
  private void keepingFailure(String run, String environment, Runnable step) {
    try {
      step.run();
    } catch (StepFailure failure) {
      if (failure.kind() != CairnError.TRANSIENT) {
        RunFacts.Failure kept =
            new RunFacts.Failure(failure.error(), support.audit.redact(failure.cause()));
        ports.runs().update(run, f -> f.withDeployment(environment, d -> d.withFailure(kept)));
      }
      throw failure;
    }
  }

  /**
   * {@code rollback}: back to the last good release; the commit is marked bad.
   *
   * @param errorJson the error that caused it, as the state machine's JSON text, or null
   */
  public void rollback(String run, String environment, String errorJson) {
    rollback.rollback(run, environment, errorJson);
  }

  /**
   * A record state: the outcome goes into the run's facts and the audit trail; for an environment,
   * its deploy slot is released.
   *
   * @param environment the environment, or null for the build's outcome
   * @param error the error that led to the outcome (a failed build, a skip), or null
   * @return the error the run ends with because of this outcome (for a failed build: its own
   *     reason, which the compiled machine's {@code Build failed} state fails with), or null
   */
  public AuditError record(
      String run, String environment, RecordedOutcome outcome, AuditError error) {
    AuditError ends = record.record(run, environment, outcome, error);
    if (environment != null && queue != null) {
      // After the record: the next run's plan and rollback read what this one left.
      queue.release(run, environment);
    }
    return ends;
  }

  /**
   * The result of a record state: the outcome and, when there is one, the error the run ends with
   * ({@code error}, {@code cause}), which the compiled {@code Build failed} state fails with.
   */
  public static ObjectNode recordResult(RecordedOutcome outcome, AuditError error) {
    ObjectNode result = Json.object();
    result.put("recorded", outcome.wireName());
    if (error != null) {
      result.put("error", error.name());
      result.put("cause", error.cause() == null ? "" : error.cause());
    }
    return result;
  }

  /** {@code destroy}: stops every release of the environment. */
  public void destroy(String run, String environment) {
    if (ports.target() instanceof DeployTarget.Stack stack) {
      throw new StepFailure(
          CairnError.NOT_SUPPORTED,
          "destroying a stack environment is not supported by the runner; delete the stack "
              + stack.stackName(environment)
              + " with CloudFormation");
    }
    DeployTarget.Processes target = support.processes("destroying an environment");
    for (Release release : target.deployer().running(environment)) {
      target.deployer().stop(release);
    }
  }

  private DeployQueue queue() {
    if (queue == null) {
      throw new StepFailure(CairnError.INVALID_JOB, "this driver serves no deploy queue");
    }
    return queue;
  }
}
