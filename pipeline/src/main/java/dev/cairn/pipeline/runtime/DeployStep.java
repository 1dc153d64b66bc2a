package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.ServiceEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code plan}, {@code apply} and {@code verify} states of an environment: say what will
 * change, run the migration and start the new release beside the live one (or deploy the stack),
 * switch traffic once it is healthy, watch it for the bake period and make it the last good
 * release.
 */
final class DeployStep {
  private final StepSupport support;
  private final RuntimePorts ports;
  private final StackDeployment stacks;
  private final Pause pause;

  /** Waits between health checks of the bake. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  DeployStep(StepSupport support, StackTemplates templates, Pause pause) {
    this.support = support;
    this.ports = support.ports;
    this.stacks = new StackDeployment(support, templates, pause);
    this.pause = pause;
  }

  /** Plans the deployment of the run to an environment and records that it started. */
  ObjectNode plan(String run, String environment) {
    RunFacts facts = ports.runs().get(run);
    EnvironmentSpec spec = support.environment(facts, environment);
    Optional<String> previous =
        ports.environments().read(environment).lastGood().map(EnvironmentState.LastGood::commit);
    ObjectNode plan = JsonNodeFactory.instance.objectNode();
    plan.put("artifact", facts.artifact());
    plan.put("commit", facts.commit());
    previous.ifPresentOrElse(c -> plan.put("replaces", c), () -> plan.putNull("replaces"));
    if (ports.target() instanceof DeployTarget.Stack stack) {
      plan.put("stack", stack.stackName(environment));
      plan.put("template", spec.aws().template());
    } else {
      // On a stack the services are the template's: nothing to provision.
      spec.services().keySet().stream().sorted().forEach(s -> plan.withArray("services").add(s));
    }
    plan.put("migrate", spec.migrate() != null);
    Instant started = ports.clock().instant();
    // Kept for the records of the deployment's outcome: by then the environment may have moved on.
    RunFacts updated =
        ports
            .runs()
            .update(
                run,
                f -> f.withDeployment(environment, d -> d.started(started, previous.orElse(null))));
    support.event(run, RunEvent.Kind.DEPLOY_STARTED, environment, "plan: " + plan);
    support.audit.record(
        AuditEvent.DEPLOYMENT_STARTED,
        AuditRecorder.Run.of(updated),
        environment,
        null,
        null,
        b ->
            b.previousRelease(updated.deployment(environment).previousRelease())
                .artifact(updated.artifact()));
    return plan;
  }

  /** Migrates, starts, health-checks and switches to the run's release (or deploys the stack). */
  void apply(String run, String environment) {
    RunFacts facts = ports.runs().get(run);
    EnvironmentSpec spec = support.environment(facts, environment);
    String artifact =
        facts
            .builtArtifact()
            .orElseThrow(
                () ->
                    new StepFailure(CairnError.INVALID_JOB, "the run " + run + " has no artifact"));
    if (ports.target() instanceof DeployTarget.Stack stack) {
      stacks.apply(stack, facts, spec, artifact);
      return;
    }
    DeployTarget.Processes target = support.processes("apply");
    // Dispatched again after a restart: the release this run started may still be running.
    Optional<Release> started = releaseOf(target, facts, environment);
    if (started.isPresent() && facts.deployment(environment).switched()) {
      // Cairn stopped after the switch, before the engine recorded the end of this task.
      if (!target
          .deployer()
          .live(environment)
          .map(Release::id)
          .equals(Optional.of(started.get().id()))) {
        target.deployer().switchTraffic(started.get());
      }
      return;
    }
    Map<String, ServiceEndpoint> endpoints = support.services(spec);
    Variables.Resolved variables =
        support.releaseVariables(spec, facts.commit(), artifact, endpoints);
    // A started release means its migration succeeded already.
    if (spec.migrate() != null && started.isEmpty()) {
      migrate(run, spec, facts.commit(), artifact, variables);
    }
    try {
      startAndSwitch(run, target, facts, spec, artifact, variables, started);
    } catch (StepFailure failure) {
      if (failure.kind() == CairnError.UNHEALTHY) {
        support.keepReleaseOutput(run, environment);
      }
      throw failure;
    }
  }

  private void startAndSwitch(
      String run,
      DeployTarget.Processes target,
      RunFacts facts,
      EnvironmentSpec spec,
      String artifact,
      Variables.Resolved variables,
      Optional<Release> started) {
    String environment = spec.name();
    Release release;
    if (started.isPresent()) {
      release = started.get();
      support.awaitHealthy(target, release, spec, facts.commit(), CairnError.UNHEALTHY);
    } else {
      release =
          target
              .deployer()
              .start(support.releaseSpec(spec, facts.commit(), artifact, run, variables.env()));
      ports
          .runs()
          .update(run, f -> f.withDeployment(environment, d -> d.withRelease(release.id())));
      support.awaitHealthy(target, release, spec, facts.commit(), CairnError.UNHEALTHY);
    }
    target.deployer().switchTraffic(release);
    ports.runs().update(run, f -> f.withDeployment(environment, RunFacts.Deployment::withSwitched));
    support.event(
        run,
        RunEvent.Kind.SWITCHED,
        environment,
        "traffic now goes to " + RunFacts.shortId(facts.commit()));
  }

  /**
   * Runs the migration: a job in the unpacked artifact, or, for an image, a one-off container of
   * the release's image with the release's environment. A failure means no switch.
   */
  private void migrate(
      String run,
      EnvironmentSpec spec,
      String commit,
      String artifact,
      Variables.Resolved variables) {
    var migrate = spec.migrate();
    Duration timeout = migrate.timeout() != null ? migrate.timeout() : Duration.ofMinutes(10);
    String id = run + "-migrate-" + spec.name();
    JobOutput output =
        (step, line) -> support.event(run, RunEvent.Kind.MIGRATE_OUTPUT, spec.name(), line);
    String image = StepSupport.isImage(artifact) ? support.requireImage(artifact, commit) : null;
    Path directory = image == null ? support.unpack(artifact, spec.name(), run) : null;
    support.event(run, RunEvent.Kind.MIGRATE_STARTED, spec.name(), "the migration runs");
    JobResult migration =
        image != null
            ? ports
                .requireImages()
                .run(
                    new ContainerImages.OneOff(
                        id, image, migrate, variables.env(), timeout, variables.masked()),
                    output)
            : ports
                .jobs()
                .run(
                    new JobSpec(
                        id,
                        directory,
                        List.of(migrate),
                        variables.env(),
                        timeout,
                        true,
                        variables.masked()),
                    output)
                .join();
    support.migrated(run, spec, migration);
  }

  /**
   * Watches the release for the bake period; then it is the environment's last good release and the
   * older releases stop. On a stack, the bake watches the target group and alarms its outputs name
   * ({@link StackDeployment#bake}).
   */
  void verify(String run, String environment) {
    RunFacts facts = ports.runs().get(run);
    EnvironmentSpec spec = support.environment(facts, environment);
    String releaseId = null;
    if (ports.target() instanceof DeployTarget.Stack stack) {
      stacks.bake(stack, spec);
    }
    if (ports.target() instanceof DeployTarget.Processes target) {
      Release release;
      try {
        release =
            releaseOf(target, facts, environment)
                .orElseThrow(
                    () ->
                        new StepFailure(
                            CairnError.VERIFY_FAILED,
                            "the release of this run is not running any more"));
        bake(target, release, spec);
      } catch (StepFailure failure) {
        if (failure.kind() == CairnError.VERIFY_FAILED) {
          support.keepReleaseOutput(run, environment);
        }
        throw failure;
      }
      releaseId = release.id();
      for (Release old : target.deployer().running(environment)) {
        if (!old.id().equals(release.id())) {
          target.deployer().stop(old);
        }
      }
      // The previous release whose first process died during this deployment (supervision leaves
      // the environment alone meanwhile) is not running by its record, yet what that process
      // started may still run: stopping it kills that too.
      String newId = release.id();
      ports
          .environments()
          .read(environment)
          .lastGood()
          .map(EnvironmentState.LastGood::releaseId)
          .filter(id -> !id.isEmpty() && !id.equals(newId))
          .flatMap(id -> target.deployer().recorded(environment, id))
          .ifPresent(target.deployer()::stop);
    }
    EnvironmentState.LastGood good =
        new EnvironmentState.LastGood(
            facts.commit(), facts.artifact(), releaseId == null ? "" : releaseId, run);
    ports.environments().update(environment, state -> state.withLastGood(good, facts.sequence()));
  }

  private void bake(DeployTarget.Processes target, Release release, EnvironmentSpec spec) {
    // The bake is measured on the monotonic clock: setting the wall clock forward must not cut it
    // short (a bad release accepted), nor setting it back stretch it.
    long end = System.nanoTime() + spec.bake().toNanos();
    Duration interval = Duration.ofMillis(Math.max(50, spec.health().interval().toMillis()));
    int failures = 0;
    while (true) {
      if (target.deployer().checkHealth(release, spec.health())) {
        failures = 0;
      } else if (++failures >= spec.health().failureThreshold()) {
        throw new StepFailure(
            CairnError.VERIFY_FAILED,
            "the release failed " + failures + " health checks in a row during the bake");
      }
      if (System.nanoTime() - end >= 0) {
        return;
      }
      try {
        pause.pause(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailure(CairnError.TRANSIENT, "interrupted during the bake");
      }
    }
  }

  /** The release this run started in the environment, if it still runs. */
  static Optional<Release> releaseOf(
      DeployTarget.Processes target, RunFacts facts, String environment) {
    String id = facts.deployment(environment).releaseId();
    if (id == null) {
      return Optional.empty();
    }
    return target.deployer().running(environment).stream()
        .filter(r -> r.id().equals(id))
        .findFirst();
  }
}
