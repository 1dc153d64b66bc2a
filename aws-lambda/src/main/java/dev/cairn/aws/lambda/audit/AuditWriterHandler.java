package dev.cairn.aws.lambda.audit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.config.AwsClients;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.git.GitToken;
import dev.cairn.git.RemoteTemplate;
import dev.cairn.git.audit.GitAuditLog;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.SecretStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The audit writer: appends one audit record ({@code cairn.audit/v1}, the same JSON as the local
 * runtime writes) to the application repository's {@code cairn/audit} branch over HTTPS, with a
 * token from Secrets Manager, through the same {@link GitAuditLog} as locally.
 *
 * <p>Input: the record's JSON object, or {@code {"record": {...}, "repository": "owner/name"}} (the
 * repository only when the remote setting has a {@code {repository}} placeholder). Output: {@code
 * {"recorded": "<id>", "commit": "<application commit>"}}.
 *
 * <p>A Lambda container is ephemeral, so the outbox in {@code /tmp} is not durable storage: the
 * record is delivered synchronously, and when it could not be the invocation fails ({@link
 * AuditNotDeliveredException}) so that the state machine's Retry tries again. That is safe because
 * delivery is idempotent by record id: a record already on the branch is not added twice. The
 * durable copy until then is the state machine's own execution history, which holds the input.
 */
public final class AuditWriterHandler implements RequestStreamHandler {
  /**
   * Where the writer pushes.
   *
   * @param remote the application's HTTPS remote; may contain {@code {repository}}
   * @param tokenSecretName the secret holding the git host token
   * @param workDirectory scratch directory (in Lambda: under {@code /tmp})
   * @param timeout the network timeout of one fetch or push
   */
  public record Config(
      String remote, String tokenSecretName, Path workDirectory, Duration timeout) {
    public Config {
      Objects.requireNonNull(remote, "remote");
      Objects.requireNonNull(tokenSecretName, "tokenSecretName");
      Objects.requireNonNull(workDirectory, "workDirectory");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  private final SecretStore secrets;
  private final Config config;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings}).
   */
  public AuditWriterHandler() {
    this(AwsClients.secrets(), configFrom(LambdaSettings.fromEnvironment()));
  }

  /** A handler with explicit collaborators. */
  public AuditWriterHandler(SecretStore secrets, Config config) {
    this.secrets = secrets;
    this.config = config;
  }

  private static Config configFrom(LambdaSettings settings) {
    return new Config(
        settings.require(LambdaSettings.GIT_REMOTE),
        settings.require(LambdaSettings.GIT_TOKEN_SECRET),
        settings.workDirectory(),
        Duration.ofSeconds(20));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    AuditRecord record =
        write(
            event.has("record") ? event.get("record") : event, event.path("repository").asText(""));
    ObjectNode result = Json.object();
    result.put("recorded", record.id());
    result.put("commit", record.commit());
    output.write(Json.write(result).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Appends the record and delivers it now.
   *
   * @throws IllegalArgumentException when the input is not a valid record
   * @throws AuditNotDeliveredException when it could not be pushed (the invocation should fail)
   */
  public AuditRecord write(JsonNode recordJson, String repository) throws IOException {
    AuditRecord record = AuditRecord.fromJsonNode(recordJson);
    writeAll(java.util.List.of(record), repository);
    return record;
  }

  /**
   * Appends the records in this order and delivers them now, in one push.
   *
   * @throws AuditNotDeliveredException when they could not be pushed (the invocation should fail)
   */
  public void writeAll(java.util.List<AuditRecord> records, String repository) throws IOException {
    String remote = RemoteTemplate.resolve(config.remote(), repository);
    // One cache and outbox per remote: an outbox is locked by the log that owns it.
    Path work =
        config.workDirectory().resolve("audit").resolve(remote.replaceAll("[^A-Za-z0-9._-]", "_"));
    try (GitAuditLog log =
        GitAuditLog.builder()
            .remote(remote)
            .repository(work.resolve("repository.git"))
            .outbox(work.resolve("outbox"))
            .credentials(GitToken.credentials(secrets, config.tokenSecretName()))
            .timeout(config.timeout())
            .build()) {
      for (AuditRecord record : records) {
        log.append(record);
      }
      AuditDeliveryStatus status = log.flush();
      if (!status.delivered()) {
        throw new AuditNotDeliveredException(
            "audit record(s) "
                + String.join(", ", records.stream().map(AuditRecord::id).toList())
                + " not delivered to "
                + log
                + ": "
                + status.lastError().orElse("unknown error"));
      }
    }
  }
}
