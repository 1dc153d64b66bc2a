package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runner's configuration: every mistake named before an AWS client is made. */
class RunnerSetupTest {
  private static Map<String, String> complete() {
    Map<String, String> env = new HashMap<>();
    env.put("CAIRN_ARTIFACT_BUCKET", "artifacts");
    env.put("CAIRN_GIT_REMOTE", "https://git.example/octo/notes.git");
    env.put("CAIRN_GIT_TOKEN_SECRET_ID", "cairn/git-token");
    env.put("CAIRN_STATUS_QUEUE_URL", "http://127.0.0.1:9324/000000000000/status");
    env.put("CAIRN_STACK_PREFIX", "notes-");
    return env;
  }

  @Test
  void aCompleteConfigurationIsReadWithItsDefaults() {
    RunnerSetup.Settings settings = RunnerSetup.Settings.read(complete());

    assertThat(settings.work()).isEqualTo(Path.of("/tmp/cairn"));
    assertThat(settings.branch()).isEqualTo("main");
    assertThat(settings.prefix()).isEmpty();
    assertThat(settings.secretPrefix()).isEqualTo("cairn/");
    assertThat(settings.stackPrefix()).isEqualTo("notes-");
    // The deployer is CloudFormation unless a trial asks for processes; no image repository set.
    assertThat(settings.imageRepository()).isNull();
    Map<String, String> withImages = complete();
    withImages.put("CAIRN_IMAGE_REPOSITORY", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/c/n");
    assertThat(RunnerSetup.Settings.read(withImages).imageRepository())
        .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/c/n");
    assertThat(settings.repository()).isNull();
    // Without a deploy role the change sets name none; with one, every change set names it.
    assertThat(settings.deployRoleArn()).isNull();
    Map<String, String> withRole = complete();
    withRole.put("CAIRN_DEPLOY_ROLE_ARN", "arn:aws:iam::123456789012:role/notes-deploy");
    assertThat(RunnerSetup.Settings.read(withRole).deployRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/notes-deploy");
    // Without a build job definition (trials on one machine) the steps run in this container.
    assertThat(settings.buildJobDefinition()).isNull();
  }

  @Test
  void aBuildJobDefinitionNeedsItsQueueAndLogGroup() {
    Map<String, String> env = complete();
    env.put(
        "CAIRN_BUILD_JOB_DEFINITION", "arn:aws:batch:eu-west-1:1:job-definition/cairn-notes-build");
    env.put("CAIRN_JOB_QUEUE", "arn:aws:batch:eu-west-1:1:job-queue/cairn");
    env.put("CAIRN_JOB_LOG_GROUP", "/cairn/jobs");
    RunnerSetup.Settings settings = RunnerSetup.Settings.read(env);
    assertThat(settings.buildJobDefinition()).endsWith("/cairn-notes-build");
    assertThat(settings.jobQueue()).endsWith("/cairn");
    assertThat(settings.jobLogGroup()).isEqualTo("/cairn/jobs");

    for (String name : new String[] {"CAIRN_JOB_QUEUE", "CAIRN_JOB_LOG_GROUP"}) {
      Map<String, String> missing = new HashMap<>(env);
      missing.remove(name);
      assertThatThrownBy(() -> RunnerSetup.Settings.read(missing))
          .as(name)
          .hasMessage("the environment variable " + name + " is not set (see docs/aws.md)");
    }
  }

  /** What the build job definition's runner is: no runtime behind it. */
  private static Runner.Ports buildJobPorts() {
    return new Runner.Ports(
        null,
        RunnerSetup.NO_SECRETS,
        new dev.cairn.local.job.LocalJobExecutor(
            dev.cairn.local.job.LocalJobExecutor.Options.builder(Path.of("/tmp/unused")).build()),
        dev.cairn.pipeline.runtime.JobLogs.IN_PLACE,
        result -> {},
        commit -> "",
        Path.of("/tmp/unused"),
        null,
        Runner.Recovery.NONE);
  }

  @Test
  void theBuildJobRefusesEveryJobButHandedOverSteps() throws Exception {
    // What the build job definition's runner is: no runtime behind it.
    Runner runner =
        new Runner(
            buildJobPorts(),
            java.time.Clock.systemUTC(),
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    RunnerResult result = runner.run(new RunnerJob(JobKind.APPLY, "r1", "production", null, null));
    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.error()).isEqualTo("Cairn.InvalidJob");
    assertThat(result.cause()).contains("runs only build steps");
  }

  @Test
  void aTerminatedRunnerStopsItsRemoteWorkAndSaysWhatItStopped() {
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.util.List<String> asked = new java.util.ArrayList<>();
    Runner runner =
        new Runner(
            buildJobPorts(),
            java.time.Clock.systemUTC(),
            new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8),
            java.util.List.of(
                () -> {
                  asked.add("batch");
                  throw new IllegalStateException("Batch unreachable");
                },
                () -> {
                  asked.add("codebuild");
                  return java.util.List.of("CodeBuild build p:1 stopped");
                }));

    runner.stopRemoteWork();

    assertThat(asked)
        .as("a failing one does not keep the next from stopping")
        .containsExactly("batch", "codebuild");
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines())
        .containsExactly(
            "[terminated] could not stop remote work: Batch unreachable",
            "[terminated] CodeBuild build p:1 stopped");
  }

  @Test
  void eachMissingVariableIsNamed() {
    for (String name :
        new String[] {
          "CAIRN_ARTIFACT_BUCKET",
          "CAIRN_GIT_REMOTE",
          "CAIRN_GIT_TOKEN_SECRET_ID",
          "CAIRN_STATUS_QUEUE_URL",
          "CAIRN_STACK_PREFIX"
        }) {
      Map<String, String> env = complete();
      env.remove(name);
      assertThatThrownBy(() -> RunnerSetup.Settings.read(env))
          .as(name)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the environment variable " + name + " is not set (see docs/aws.md)");
    }
  }

  @Test
  void theProcessDeployerNeedsNoStackAndAnUnknownDeployerIsRefused() {
    Map<String, String> env = complete();
    env.remove("CAIRN_STACK_PREFIX");
    env.put("CAIRN_DEPLOYER", "process");
    assertThat(RunnerSetup.Settings.read(env).stackPrefix()).isNull();

    env.put("CAIRN_DEPLOYER", "kubernetes");
    assertThatThrownBy(() -> RunnerSetup.Settings.read(env))
        .hasMessage("CAIRN_DEPLOYER=kubernetes is not known (use cloudformation or process)");
  }
}
