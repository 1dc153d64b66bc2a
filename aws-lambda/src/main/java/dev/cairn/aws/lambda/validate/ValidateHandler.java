package dev.cairn.aws.lambda.validate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.lambda.queue.RunSequence;
import dev.cairn.aws.run.RunFacts;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The state machine's {@code cairn-validate} function on AWS: checks the execution's run (id and a
 * full commit id) and records it as the run's facts in S3 ({@code runs/<id>/run.json}), where the
 * runner's jobs find the commit. The pipeline file itself is validated by the build job, which has
 * the checkout; an invalid file fails the build with {@code Cairn.InvalidPipeline} and the
 * problems, each with file, line and column. It also numbers the run ({@code sequence} in the
 * facts, from the repository's counter {@link RunSequence}) so that the deploy queue can tell the
 * newer of two runs.
 *
 * <p>Fails with {@link IllegalArgumentException} (error name on AWS: {@code
 * IllegalArgumentException}) for a run without id or commit.
 */
public final class ValidateHandler implements RequestStreamHandler {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final RunFacts facts;
  private final RunSequence sequence;

  /**
   * The handler Lambda creates: configured by environment variables (see {@link LambdaSettings}).
   */
  public ValidateHandler() {
    this(S3Client.create(), LambdaSettings.fromEnvironment());
  }

  private ValidateHandler(S3Client s3, LambdaSettings settings) {
    this(
        RunFacts.fromSettings(s3, settings),
        new RunSequence(
            s3, settings.require(LambdaSettings.ARTIFACT_BUCKET), settings.artifactPrefix()));
  }

  /** A handler that numbers no runs (the run input must carry {@code sequence} for the queue). */
  public ValidateHandler(RunFacts facts) {
    this(facts, null);
  }

  /**
   * A handler with explicit collaborators.
   *
   * @param facts where the run's facts go
   * @param sequence numbers each run for the deploy queue (newer runs higher), or null for none
   */
  public ValidateHandler(RunFacts facts, RunSequence sequence) {
    this.facts = facts;
    this.sequence = sequence;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode payload = Json.parse(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    output.write(Json.write(validate(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records the run.
   *
   * @throws IllegalArgumentException naming what is wrong with the run
   */
  public ObjectNode validate(JsonNode payload) {
    JsonNode run = payload.path("run");
    String id = run.path("id").asText("");
    String commit = run.path("commit").asText("");
    if (!RUN_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("the run has no valid id: \"" + id + "\"");
    }
    if (!COMMIT.matcher(commit).matches()) {
      throw new IllegalArgumentException("the run has no full commit id: \"" + commit + "\"");
    }
    facts.update(
        id,
        f -> {
          f.put("id", id);
          f.put("commit", commit);
          for (String field : new String[] {"tree", "message", "trigger", "repository"}) {
            if (run.hasNonNull(field)) {
              f.put(field, run.get(field).asText());
            }
          }
          if (run.path("sequence").asLong(0) > 0) {
            f.put("sequence", run.get("sequence").asLong());
          } else if (!f.has("sequence") && sequence != null) {
            // Numbered once: a retried validation keeps the run's place in the deploy queue.
            f.put("sequence", sequence.next());
          }
        });
    ObjectNode result = Json.object();
    result.put("run", id);
    result.put("commit", commit);
    ObjectNode written = facts.read(id).orElseGet(Json::object);
    if (written.has("sequence")) {
      result.put("sequence", written.get("sequence").asLong());
    }
    return result;
  }
}
