package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.StackDeployer;
import dev.cairn.pipeline.port.StackHealth;
import dev.cairn.pipeline.port.StackRelease;
import dev.cairn.pipeline.port.StackResult;
import dev.cairn.pipeline.port.StackTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image releases on a stack target, with fakes of the stack ports: the three-phase apply with a
 * migration task, the parameters a template declares (and only those), the bake on the target group
 * and alarms, and the rollback to the last good commit's template and image.
 */
class StackDeploymentTest {
  private static final String REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/c/app";

  private static final String TEMPLATE =
      """
      {"AWSTemplateFormatVersion": "2010-09-09",
       "Parameters": {"CairnCommit": {"Type": "String"}, "CairnArtifact": {"Type": "String"},
                      "CairnImage": {"Type": "String"}, "CairnMigrationImage": {"Type": "String"}},
       "Resources": {}}
      """;

  private static final String PIPELINE =
      """
      name: app
      build:
        steps:
          - run: write Containerfile FROM scratch
        image: {}
      environments:
        - name: production
          services:
            db: {type: postgres}
          app:
            port: 8080
            env: {DATABASE_URL: '${services.db.url}'}
          migrate: {run: ./migrate up}
          health: {path: /health, interval: 50ms, failure-threshold: 2}
          bake: 300ms
      """;

  @TempDir Path work;
  private final FakeStacks stacks = new FakeStacks();
  private final FakeTasks tasks = new FakeTasks();
  private final FakeHealth health = new FakeHealth();
  private RuntimeFixture fixture;

  @BeforeEach
  void setUp() {
    fixture =
        new RuntimeFixture(
            work,
            new BuildingImages(),
            new DeployTarget.Stack(stacks, "app-", REPOSITORY, tasks, health));
    stacks.outputs.putAll(
        Map.of(
            "CairnCluster", "app-production-Cluster",
            "CairnMigrationTaskDefinition", "arn:aws:ecs:eu-west-1:1:task-definition/migrate:3",
            "CairnMigrationContainer", "app",
            "CairnSubnets", "subnet-a, subnet-b",
            "CairnSecurityGroups", "sg-1",
            "CairnTargetGroup", "arn:tg",
            "CairnAlarms", "app-production-5xx"));
  }

  private String commit(String pipeline, Map<String, String> more) {
    Map<String, String> files = new HashMap<>(more);
    files.put("cairn.yml", pipeline);
    files.putIfAbsent("cairn.stack.json", TEMPLATE);
    return fixture.commit(files);
  }

  private String image(String run) {
    return REPOSITORY + "@" + fixture.runs.get(run).artifact().substring("image:".length());
  }

  @Test
  void anImageReleaseMigratesBetweenTwoDeploymentsAndTheServiceSwitchesLast() {
    String good = fixture.deploy(commit(PIPELINE, Map.of()), "production");
    stacks.releases.clear();
    tasks.runs.clear();

    String next = fixture.deploy(commit(PIPELINE + "\n# v2\n", Map.of()), "production");

    assertThat(fixture.runs.get(next).deployment("production").failure()).isNull();
    assertThat(stacks.releases).hasSize(2);
    StackRelease prepare = stacks.releases.get(0);
    StackRelease switchOver = stacks.releases.get(1);
    assertThat(prepare.stackName()).isEqualTo("app-production");
    // Phase 1: the migration image is new, the service keeps running the live (last good) image.
    assertThat(prepare.parameters())
        .containsEntry("CairnImage", image(good))
        .containsEntry("CairnMigrationImage", image(next))
        .containsEntry("CairnCommit", fixture.runs.get(next).commit());
    // Phase 2: one task of the stack's migration task definition, the command in the container.
    assertThat(tasks.runs).hasSize(1);
    StackTasks.StackTask task = tasks.runs.get(0);
    assertThat(task.cluster()).isEqualTo("app-production-Cluster");
    assertThat(task.taskDefinition()).endsWith("task-definition/migrate:3");
    assertThat(task.container()).isEqualTo("app");
    assertThat(task.subnets()).containsExactly("subnet-a", "subnet-b");
    assertThat(task.securityGroups()).containsExactly("sg-1");
    assertThat(task.command()).containsExactly("/bin/sh", "-c", "./migrate up");
    // Phase 3: the service runs the new image.
    assertThat(switchOver.parameters())
        .containsEntry("CairnImage", image(next))
        .containsEntry("CairnMigrationImage", image(next));
    assertThat(fixture.environments.read("production").lastGood().orElseThrow().commit())
        .isEqualTo(fixture.runs.get(next).commit());
    assertThat(fixture.events)
        .anySatisfy(
            e ->
                assertThat(e.message())
                    .contains("watches the targets of arn:tg and the alarms app-production-5xx"));
  }

  @Test
  void thePlanNamesTheStackAndItsTemplateAndNoServiceToProvision() {
    String run = fixture.submit(commit(PIPELINE, Map.of()), RunFacts.Trigger.PUSH, null);
    fixture.runtime.validate(run);
    fixture.runtime.build(run);

    var plan = fixture.runtime.plan(run, "production");

    assertThat(plan.path("stack").asText()).isEqualTo("app-production");
    assertThat(plan.path("template").asText()).isEqualTo("cairn.stack.json");
    assertThat(plan.has("services")).isFalse();
    assertThat(plan.path("migrate").asBoolean()).isTrue();
  }

  @Test
  void theFirstReleaseMigratesWhileTheServiceRunsNoImageYet() {
    String run = fixture.deploy(commit(PIPELINE, Map.of()), "production");

    assertThat(stacks.releases.get(0).parameters()).containsEntry("CairnImage", "");
    assertThat(stacks.releases.get(1).parameters()).containsEntry("CairnImage", image(run));
  }

  @Test
  void onlyTheParametersTheTemplateDeclaresArePassed() {
    String yaml =
        """
        AWSTemplateFormatVersion: '2010-09-09'
        Parameters:
          CairnImage: {Type: String}
        Resources:
          Service:
            Type: AWS::SSM::Parameter
            Properties: {Type: String, Value: !Ref CairnImage}
        """;
    String run =
        fixture.deploy(
            commit(
                PIPELINE.replace("migrate: {run: ./migrate up}", "aws: {template: stack.yaml}"),
                Map.of("stack.yaml", yaml)),
            "production");

    assertThat(stacks.releases).hasSize(1);
    assertThat(stacks.releases.get(0).parameters())
        .containsOnlyKeys("CairnImage")
        .containsEntry("CairnImage", image(run));
    assertThat(stacks.releases.get(0).templateBody()).isEqualTo(yaml);
  }

  @Test
  void aFailedMigrationSwitchesNothingAndTheStackGoesBackToTheLastGoodImage() {
    String good = fixture.deploy(commit(PIPELINE, Map.of()), "production");
    stacks.releases.clear();
    tasks.result = new JobResult(JobResult.Outcome.FAILED, "migrate", 1, null, "exited with 1");

    String bad = fixture.deploy(commit(PIPELINE + "\n# bad\n", Map.of()), "production");

    assertThat(fixture.runs.get(bad).deployment("production").failure().error())
        .isEqualTo("Cairn.MigrationFailed");
    // Phase 1, then the rollback: never the new image for the service.
    assertThat(stacks.releases).hasSize(2);
    assertThat(stacks.releases)
        .allSatisfy(r -> assertThat(r.parameters()).containsEntry("CairnImage", image(good)));
    assertThat(stacks.releases.get(1).parameters())
        .containsEntry("CairnCommit", fixture.runs.get(good).commit())
        .containsEntry("CairnMigrationImage", image(good));
    assertThat(fixture.environments.read("production").bad())
        .contains(fixture.runs.get(bad).commit());
  }

  @Test
  void anAlarmFiringDuringTheBakeRollsBackToTheLastGoodCommitsTemplateAndImage() {
    String goodCommit =
        commit(
            PIPELINE.replace("bake: 300ms", "bake: 300ms\n    aws: {template: old.json}"),
            Map.of("old.json", TEMPLATE.replace("\"Resources\": {}", "\"Resources\": {} ")));
    String good = fixture.deploy(goodCommit, "production");
    stacks.releases.clear();
    health.firing = List.of("app-production-5xx");

    String bad = fixture.deploy(commit(PIPELINE + "\n# bad\n", Map.of()), "production");

    RunFacts.Failure failure = fixture.runs.get(bad).deployment("production").failure();
    assertThat(failure.error()).isEqualTo("Cairn.VerifyFailed");
    assertThat(failure.cause()).contains("alarm app-production-5xx fired during the bake");
    StackRelease back = stacks.releases.get(stacks.releases.size() - 1);
    assertThat(back.parameters())
        .containsEntry("CairnImage", image(good))
        .containsEntry("CairnCommit", fixture.runs.get(good).commit());
    // The last good commit's own aws.template, not the failing commit's.
    assertThat(back.templateBody()).contains("\"Resources\": {} ");
  }

  @Test
  void unhealthyTargetsFailTheBakeAfterTheFailureThreshold() {
    health.targets = new StackHealth.Targets(1, List.of("10.0.1.7:8080 unhealthy (timeout)"));

    String run = fixture.deploy(commit(PIPELINE, Map.of()), "production");

    RunFacts.Failure failure = fixture.runs.get(run).deployment("production").failure();
    assertThat(failure.error()).isEqualTo("Cairn.VerifyFailed");
    assertThat(failure.cause())
        .isEqualTo(
            "the target group was not healthy in 2 checks in a row during the bake:"
                + " 10.0.1.7:8080 unhealthy (timeout)");
    assertThat(health.targetChecks).isEqualTo(2);
  }

  @Test
  void withoutTheOutputsTheBakeChecksNothingAndSaysSo() {
    stacks.outputs.remove("CairnTargetGroup");
    stacks.outputs.remove("CairnAlarms");
    health.firing = List.of("would fail");

    String run = fixture.deploy(commit(PIPELINE, Map.of()), "production");

    assertThat(fixture.runs.get(run).deployment("production").failure()).isNull();
    assertThat(health.targetChecks).isZero();
    assertThat(fixture.events)
        .filteredOn(e -> e.kind() == dev.cairn.pipeline.port.RunEvent.Kind.SWITCHED)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("the stack has no output CairnTargetGroup")
                    .contains("the stack has no output CairnAlarms"));
  }

  @Test
  void aStackWithoutTheMigrationOutputsFailsTheMigrationNamingThem() {
    stacks.outputs.remove("CairnCluster");
    stacks.outputs.remove("CairnSubnets");

    String run = fixture.deploy(commit(PIPELINE, Map.of()), "production");

    RunFacts.Failure failure = fixture.runs.get(run).deployment("production").failure();
    assertThat(failure.error()).isEqualTo("Cairn.MigrationFailed");
    assertThat(failure.cause())
        .contains("the stack app-production has no output CairnCluster, CairnSubnets");
    assertThat(tasks.runs).isEmpty();
  }

  @Test
  void aMigrationNeedsAnImageRelease() {
    String pipeline =
        PIPELINE
            .replace("- run: write Containerfile FROM scratch", "- run: write out.txt 1")
            .replace("image: {}", "artifact: out.txt")
            .replace("port: 8080", "start: ./run\n      port: 8080");

    String run = fixture.deploy(commit(pipeline, Map.of()), "production");

    RunFacts.Failure failure = fixture.runs.get(run).deployment("production").failure();
    assertThat(failure.error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(failure.cause()).contains("the release must be an image (build.image)");
    assertThat(stacks.releases).isEmpty();
  }

  @Test
  void anArchiveReleaseWithoutMigrateGetsAnEmptyImage() {
    String pipeline =
        PIPELINE
            .replace("- run: write Containerfile FROM scratch", "- run: write out.txt 1")
            .replace("image: {}", "artifact: out.txt")
            .replace("port: 8080", "start: ./run\n      port: 8080")
            .replace("    migrate: {run: ./migrate up}\n", "");

    fixture.deploy(commit(pipeline, Map.of()), "production");

    assertThat(stacks.releases).hasSize(1);
    assertThat(stacks.releases.get(0).parameters())
        .containsEntry("CairnImage", "")
        .containsEntry("CairnMigrationImage", "");
  }

  @Test
  void aTemplateThatIsNeitherJsonNorYamlFailsTheBuild() {
    String run =
        fixture.submit(
            commit(PIPELINE, Map.of("cairn.stack.json", "{\"Parameters\": [")),
            RunFacts.Trigger.PUSH,
            null);
    fixture.runtime.validate(run);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.INVALID_PIPELINE);
              assertThat(f.cause())
                  .startsWith("the stack template cairn.stack.json is neither JSON nor YAML");
            });
  }

  /** A stack that takes every release and has the outputs a test gives it. */
  static final class FakeStacks implements StackDeployer {
    final List<StackRelease> releases = new CopyOnWriteArrayList<>();
    final Map<String, String> outputs = new HashMap<>();

    @Override
    public StackResult deploy(StackRelease release) {
      releases.add(release);
      return new StackResult(
          StackResult.Outcome.DEPLOYED, "id", "UPDATE_COMPLETE", null, Map.copyOf(outputs));
    }

    @Override
    public Map<String, String> outputs(String stackName) {
      return Map.copyOf(outputs);
    }
  }

  /** Records the tasks; each ends as {@link #result} says. */
  final class FakeTasks implements StackTasks {
    final List<StackTask> runs = new CopyOnWriteArrayList<>();
    volatile JobResult result;

    @Override
    public JobResult run(StackTask task, JobOutput output) throws java.io.UncheckedIOException {
      runs.add(task);
      output.line("migrate", "migrated 3 tables");
      Path log = work.resolve(task.id() + ".log");
      try {
        Files.writeString(log, "migrated 3 tables\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return result != null
          ? result
          : new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, log, "succeeded");
    }
  }

  /** Healthy targets and no alarm firing, unless a test says otherwise. */
  static final class FakeHealth implements StackHealth {
    volatile Targets targets = new Targets(2, List.of());
    volatile List<String> firing = List.of();
    volatile int targetChecks;

    @Override
    public Targets targets(String targetGroup) {
      targetChecks++;
      return targets;
    }

    @Override
    public List<String> firing(List<String> names) {
      return new ArrayList<>(firing.stream().filter(names::contains).toList());
    }
  }

  /** "Builds" an image whose id is made from the build's workspace path. */
  private static final class BuildingImages implements ContainerImages {
    @Override
    public Optional<String> unavailable() {
      return Optional.empty();
    }

    @Override
    public Built build(ImageBuild build, JobOutput output) {
      String id = "sha256:" + RuntimeFixture.sha1(build.id()) + "0".repeat(24);
      return new Built(new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, null, "built"), id);
    }

    @Override
    public Optional<String> forTree(String tree) {
      return Optional.empty();
    }

    @Override
    public boolean exists(String imageId) {
      return true;
    }

    @Override
    public JobResult run(OneOff run, JobOutput output) {
      throw new AssertionError("on a stack, the migration is a task of the stack");
    }
  }
}
