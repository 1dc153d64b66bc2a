package dev.cairn.aws.lambda.testing;

import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/** The functions' runtime ({@link FunctionRuntime}) over an emulated S3 and test collaborators. */
public final class FunctionRuntimes {
  /** The secret name the git token is kept under in the tests. */
  public static final String TOKEN_SECRET = "git-token";

  private FunctionRuntimes() {}

  /**
   * The settings of a function of the {@code notes} repository.
   *
   * @param remote the git remote of the trail, or null for a function without the git token
   * @param extra further settings
   */
  public static LambdaSettings settings(
      String bucket, Path work, String remote, Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(extra);
    environment.put(LambdaSettings.ARTIFACT_BUCKET, bucket);
    environment.put(LambdaSettings.ARTIFACT_PREFIX, "notes/");
    environment.put(LambdaSettings.WORK_DIRECTORY, work.toString());
    if (remote != null) {
      environment.put(LambdaSettings.GIT_REMOTE, remote);
      environment.put(LambdaSettings.GIT_TOKEN_SECRET, TOKEN_SECRET);
    }
    return new LambdaSettings(environment);
  }

  /** A runtime whose git token is {@code token} and whose application has no secrets. */
  public static PipelineRuntime runtime(
      LambdaSettings settings, S3Client s3, TaskTokens tokens, String token) {
    SecretStore own = token == null ? new MapSecrets() : MapSecrets.of(TOKEN_SECRET, token);
    return FunctionRuntime.create(
        settings, s3, tokens, own, new MapSecrets(), null, Clock.systemUTC());
  }
}
