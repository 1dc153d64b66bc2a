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
    assertThat(settings.stackTemplate()).isEqualTo("cairn.stack.json");
    assertThat(settings.repository()).isNull();
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
