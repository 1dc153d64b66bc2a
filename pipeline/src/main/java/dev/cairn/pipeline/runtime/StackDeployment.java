package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.file.Durations;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.StackHealth;
import dev.cairn.pipeline.port.StackRelease;
import dev.cairn.pipeline.port.StackResult;
import dev.cairn.pipeline.port.StackTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code apply}, {@code verify} and {@code rollback} of an environment that is a stack ({@link
 * DeployTarget.Stack}); see docs/aws.md, "Deploying the application". With {@code migrate}, apply
 * has three phases: the stack gets the new migration image while the service keeps the live one,
 * the migration runs as a task of the stack, and only when it succeeded does the service get the
 * new image. The bake watches the target group and the alarms the stack's outputs name.
 */
final class StackDeployment {
  private final StepSupport support;
  private final RuntimePorts ports;
  private final StackTemplates templates;
  private final DeployStep.Pause pause;

  StackDeployment(StepSupport support, StackTemplates templates, DeployStep.Pause pause) {
    this.support = support;
    this.ports = support.ports;
    this.templates = templates;
    this.pause = pause;
  }

  /**
   * Deploys the run's commit to the environment's stack; with {@code migrate}, runs it between a
   * deployment that brings the migration image and the one that switches the service. {@code
   * services} and {@code app} are the template's business: neither is looked at.
   */
  void apply(DeployTarget.Stack stack, RunFacts facts, EnvironmentSpec spec, String artifact) {
    String environment = spec.name();
    String template = templates.template(facts.id(), facts.commit(), spec.aws().template());
    String image = stack.image(artifact);
    if (spec.migrate() != null) {
      if (image.isEmpty()) {
        throw new StepFailure(
            CairnError.INVALID_PIPELINE,
            "environment "
                + environment
                + " has a migrate step, which on a stack runs as a task of the release's image:"
                + " the release must be an image (build.image)");
      }
      String live =
          lastGood(environment, facts.commit()).map(g -> stack.image(g.artifact())).orElse("");
      StackResult prepared =
          deploy(
              stack,
              environment,
              spec.aws().template(),
              template,
              facts.commit(),
              artifact,
              live,
              image,
              CairnError.DEPLOY_FAILED);
      migrate(stack, facts.id(), spec, prepared.outputs());
    }
    StackResult result =
        deploy(
            stack,
            environment,
            spec.aws().template(),
            template,
            facts.commit(),
            artifact,
            image,
            image,
            CairnError.DEPLOY_FAILED);
    ports
        .runs()
        .update(facts.id(), f -> f.withDeployment(environment, RunFacts.Deployment::withSwitched));
    support.event(
        facts.id(),
        RunEvent.Kind.SWITCHED,
        environment,
        stack.stackName(environment)
            + " now runs "
            + RunFacts.shortId(facts.commit())
            + (image.isEmpty() ? "" : " (" + image + ")")
            + "; "
            + bakePlan(stack, spec, result.outputs()));
  }

  /**
   * Deploys the last good commit's template with its artifact and image: no rebuild, no migration.
   */
  void rollback(
      DeployTarget.Stack stack, String run, EnvironmentSpec spec, EnvironmentState.LastGood good) {
    String path = spec.aws().template();
    String template = templates.templateOf(run, good.commit(), spec.name(), path);
    String image = stack.image(good.artifact());
    deploy(
        stack,
        spec.name(),
        path,
        template,
        good.commit(),
        good.artifact(),
        image,
        image,
        CairnError.ROLLBACK_FAILED);
  }

  /**
   * The bake: until the bake period is over, at the health check's interval, the target group's
   * targets must be healthy ({@code failure-threshold} failed checks in a row fail it) and no alarm
   * may fire (one firing fails it: an alarm has its own evaluation periods). Without {@link
   * DeployTarget.Stack#health} the bake is the deployment's own wait (ECS's circuit breaker).
   */
  void bake(DeployTarget.Stack stack, EnvironmentSpec spec) {
    if (stack.health() == null || spec.bake().isZero()) {
      return;
    }
    Map<String, String> outputs = stack.deployer().outputs(stack.stackName(spec.name()));
    String targetGroup = blankToNull(outputs.get(DeployTarget.Stack.TARGET_GROUP_OUTPUT));
    List<String> alarms = list(outputs.get(DeployTarget.Stack.ALARMS_OUTPUT));
    if (targetGroup == null && alarms.isEmpty()) {
      return;
    }
    // Measured on the monotonic clock, as the process bake: the wall clock may be set meanwhile.
    long end = System.nanoTime() + spec.bake().toNanos();
    Duration interval = Duration.ofMillis(Math.max(50, spec.health().interval().toMillis()));
    int failures = 0;
    while (true) {
      if (!alarms.isEmpty()) {
        List<String> firing = stack.health().firing(alarms);
        if (!firing.isEmpty()) {
          throw new StepFailure(
              CairnError.VERIFY_FAILED,
              "alarm " + String.join(", ", firing) + " fired during the bake");
        }
      }
      if (targetGroup != null) {
        StackHealth.Targets targets = stack.health().targets(targetGroup);
        if (targets.allHealthy()) {
          failures = 0;
        } else if (++failures >= spec.health().failureThreshold()) {
          throw new StepFailure(
              CairnError.VERIFY_FAILED,
              "the target group was not healthy in "
                  + failures
                  + " checks in a row during the bake: "
                  + (targets.unhealthy().isEmpty()
                      ? "no target is registered"
                      : String.join(", ", targets.unhealthy())));
        }
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

  /** What the bake will watch, said once in the run's events (with what it cannot). */
  private static String bakePlan(
      DeployTarget.Stack stack, EnvironmentSpec spec, Map<String, String> outputs) {
    if (spec.bake().isZero()) {
      return "no bake";
    }
    if (stack.health() == null) {
      return "this runner watches no stack health: the bake is the deployment's own wait";
    }
    String targetGroup = blankToNull(outputs.get(DeployTarget.Stack.TARGET_GROUP_OUTPUT));
    List<String> alarms = list(outputs.get(DeployTarget.Stack.ALARMS_OUTPUT));
    return "the bake ("
        + Durations.format(spec.bake())
        + ") watches "
        + (targetGroup == null
            ? "no target group (the stack has no output "
                + DeployTarget.Stack.TARGET_GROUP_OUTPUT
                + ": target health is not checked)"
            : "the targets of " + targetGroup)
        + " and "
        + (alarms.isEmpty()
            ? "no alarm (the stack has no output "
                + DeployTarget.Stack.ALARMS_OUTPUT
                + ": alarms are not checked)"
            : "the alarms " + String.join(", ", alarms));
  }

  /**
   * Runs {@code migrate} as a task of the stack (the task definition and network its outputs name,
   * the command {@code /bin/sh -c RUN}). A failure means no switch.
   */
  private void migrate(
      DeployTarget.Stack stack, String run, EnvironmentSpec spec, Map<String, String> outputs) {
    StepSpec migrate = spec.migrate();
    List<String> required =
        List.of(
            DeployTarget.Stack.CLUSTER_OUTPUT,
            DeployTarget.Stack.MIGRATION_TASK_DEFINITION_OUTPUT,
            DeployTarget.Stack.MIGRATION_CONTAINER_OUTPUT,
            DeployTarget.Stack.SUBNETS_OUTPUT,
            DeployTarget.Stack.SECURITY_GROUPS_OUTPUT);
    List<String> missing =
        required.stream().filter(name -> blankToNull(outputs.get(name)) == null).toList();
    if (!missing.isEmpty()) {
      throw new StepFailure(
          CairnError.MIGRATION_FAILED,
          "the stack "
              + stack.stackName(spec.name())
              + " has no output "
              + String.join(", ", missing)
              + ": its template must declare them for migrate to run (docs/aws.md)");
    }
    if (stack.tasks() == null) {
      throw new StepFailure(
          CairnError.NOT_SUPPORTED, "this runner cannot run a migration task beside a stack");
    }
    StackTasks.StackTask task =
        new StackTasks.StackTask(
            run + "-migrate-" + spec.name(),
            outputs.get(DeployTarget.Stack.CLUSTER_OUTPUT),
            outputs.get(DeployTarget.Stack.MIGRATION_TASK_DEFINITION_OUTPUT),
            outputs.get(DeployTarget.Stack.MIGRATION_CONTAINER_OUTPUT),
            list(outputs.get(DeployTarget.Stack.SUBNETS_OUTPUT)),
            list(outputs.get(DeployTarget.Stack.SECURITY_GROUPS_OUTPUT)),
            List.of("/bin/sh", "-c", migrate.run()),
            migrate.timeout() != null ? migrate.timeout() : Duration.ofMinutes(10));
    JobOutput output =
        (step, line) -> support.event(run, RunEvent.Kind.MIGRATE_OUTPUT, spec.name(), line);
    support.event(
        run,
        RunEvent.Kind.MIGRATE_STARTED,
        spec.name(),
        "the migration runs as a task of " + task.taskDefinition() + " in " + task.cluster());
    JobResult result;
    try {
      result = stack.tasks().run(task, output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure(CairnError.TRANSIENT, "interrupted while the migration ran");
    }
    support.migrated(run, spec, result);
  }

  /**
   * Deploys a commit's template to the environment's stack with the parameters it declares.
   *
   * @param image the image the service runs ({@value DeployTarget.Stack#IMAGE_PARAMETER})
   * @param migrationImage the image the migration task runs
   */
  static StackResult deploy(
      DeployTarget.Stack stack,
      String environment,
      String templatePath,
      String template,
      String commit,
      String artifact,
      String image,
      String migrationImage,
      CairnError onFailure) {
    Map<String, String> offered = new LinkedHashMap<>();
    offered.put(DeployTarget.Stack.COMMIT_PARAMETER, commit);
    offered.put(DeployTarget.Stack.ARTIFACT_PARAMETER, artifact);
    offered.put(DeployTarget.Stack.IMAGE_PARAMETER, image);
    offered.put(DeployTarget.Stack.MIGRATION_IMAGE_PARAMETER, migrationImage);
    // CloudFormation refuses parameters a template does not declare.
    Set<String> declared = StackTemplates.declaredParameters(templatePath, template);
    offered.keySet().retainAll(declared);
    StackResult result;
    try {
      result =
          stack
              .deployer()
              .deploy(
                  new StackRelease(
                      stack.stackName(environment), template, offered, commit, artifact));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure(onFailure, "interrupted while the stack was deployed");
    }
    if (result.outcome() == StackResult.Outcome.FAILED) {
      throw new StepFailure(
          onFailure,
          "the stack "
              + stack.stackName(environment)
              + " did not take "
              + RunFacts.shortId(commit)
              + ": "
              + result.reason());
    }
    return result;
  }

  private Optional<EnvironmentState.LastGood> lastGood(String environment, String commit) {
    return ports
        .environments()
        .read(environment)
        .lastGood()
        .filter(good -> !good.commit().equals(commit));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** A comma-separated output as a list (blank entries dropped). */
  static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    if (value != null) {
      Arrays.stream(value.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(items::add);
    }
    return items;
  }
}
