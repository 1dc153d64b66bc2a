package dev.cairn.aws.lambda.lastgood;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.git.GitToken;
import dev.cairn.git.RemoteTemplate;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The last-good lookup: given {@code {"environment": "production"}} (and optionally {@code
 * "repository": "owner/name"} when the remote setting has a {@code {repository}} placeholder),
 * answers the environment's last good commit and artifact, derived from the audit trail in git, so
 * it survives the loss of every other piece of Cairn's state.
 *
 * <p>Output: {@code {"environment": "...", "found": true, "commit": "...", "artifact":
 * "sha256:...", "run": "..."}}, or {@code "found": false}. The derivation is the local runtime's
 * ({@code ReleaseMemory}).
 */
public final class LastGoodHandler implements RequestStreamHandler {
  private final String remoteTemplate;
  private final TrailLastGood trail;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings}).
   */
  public LastGoodHandler() {
    this(LambdaSettings.fromEnvironment(), AwsClients.secrets());
  }

  private LastGoodHandler(LambdaSettings settings, SecretStore secrets) {
    this(
        settings.require(LambdaSettings.GIT_REMOTE),
        secrets,
        settings.require(LambdaSettings.GIT_TOKEN_SECRET),
        settings.workDirectory());
  }

  /**
   * A handler with explicit collaborators.
   *
   * @param remoteTemplate the remote URL; {@code {repository}} in it is replaced by the input's
   *     repository
   * @param secrets where the token is
   * @param tokenSecretName the token's secret
   * @param workDirectory scratch directory for the git cache
   */
  public LastGoodHandler(
      String remoteTemplate, SecretStore secrets, String tokenSecretName, Path workDirectory) {
    this.remoteTemplate = remoteTemplate;
    this.trail =
        new TrailLastGood(
            workDirectory.resolve("trail-cache.git"),
            GitToken.credentials(secrets, tokenSecretName),
            Duration.ofSeconds(20));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode request = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(lookup(request)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Looks the environment up.
   *
   * @throws IllegalArgumentException when the input names no environment
   * @throws IOException when the trail cannot be read
   */
  public ObjectNode lookup(JsonNode request) throws IOException {
    String environment = request.path("environment").asText("");
    if (environment.isBlank()) {
      throw new IllegalArgumentException("the input has no \"environment\"");
    }
    // The plan state's payload names the repository in its run; a direct call names it at the top.
    String repository =
        request.path("repository").asText(request.path("run").path("repository").asText(""));
    String remote = RemoteTemplate.resolve(remoteTemplate, repository);
    Optional<ReleaseMemory.Release> good = trail.lastGood(remote, environment);
    ObjectNode result = Json.object();
    result.put("environment", environment);
    result.put("found", good.isPresent());
    good.ifPresent(
        g -> {
          result.put("commit", g.commit());
          if (g.artifact() != null) {
            result.put("artifact", g.artifact());
          }
          if (g.run() != null) {
            result.put("run", g.run());
          }
        });
    return result;
  }
}
