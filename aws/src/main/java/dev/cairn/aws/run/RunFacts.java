package dev.cairn.aws.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.pipeline.json.Json;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What a run's jobs tell each other, kept in the artifact bucket because each job runs in its own
 * short-lived container: {@code runs/<run>/run.json} (commit, tree, the pipeline file's text, the
 * artifact, the release of each environment) and {@code runs/<run>/results/<job>.json} (each job's
 * result, see the runner's {@code RunnerResult}). The state machine passes only the run id between
 * states; on both engines the data flows through these objects (locally through {@code
 * CAIRN_HOME/runs/<run>/run.json}).
 *
 * <p>Jobs of one run never write the same run at the same time (the state machine runs them one
 * after the other), so a read-modify-write is safe.
 */
public final class RunFacts {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /** Facts kept in {@code bucket}, at the top. */
  public RunFacts(S3Client s3, String bucket) {
    this(s3, bucket, "");
  }

  /**
   * Facts kept in {@code bucket} under {@code prefix} (the repository's prefix, e.g. {@code
   * notes/}, when one bucket serves several repositories).
   */
  public RunFacts(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /** Facts in the bucket and under the prefix the settings name. */
  public static RunFacts fromSettings(S3Client s3, LambdaSettings settings) {
    return new RunFacts(
        s3, settings.require(LambdaSettings.ARTIFACT_BUCKET), settings.artifactPrefix());
  }

  /** The key of a run's facts. */
  public String factsKey(String run) {
    return prefix + "runs/" + run + "/run.json";
  }

  /** The key of a job's result. */
  public String resultKey(String run, String job) {
    return prefix + "runs/" + run + "/results/" + job + ".json";
  }

  /** A run's facts, if any job of it has written them. */
  public Optional<ObjectNode> read(String run) {
    try {
      JsonNode node =
          Json.parse(s3.getObjectAsBytes(b -> b.bucket(bucket).key(factsKey(run))).asUtf8String());
      return Optional.of((ObjectNode) node);
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  /** Changes a run's facts (creating them empty first). */
  public ObjectNode update(String run, Consumer<ObjectNode> change) {
    ObjectNode facts = read(run).orElseGet(Json::object);
    change.accept(facts);
    put(factsKey(run), facts);
    return facts;
  }

  /** Writes a job's result (the runner's {@code RunnerResult} JSON). */
  public void writeResult(String run, String job, JsonNode result) {
    put(resultKey(run, job), result);
  }

  /** A job's result, if it has ended. */
  public Optional<JsonNode> result(String run, String job) {
    try {
      return Optional.of(
          Json.parse(
              s3.getObjectAsBytes(b -> b.bucket(bucket).key(resultKey(run, job))).asUtf8String()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  private void put(String key, JsonNode json) {
    s3.putObject(
        b -> b.bucket(bucket).key(key).contentType("application/json"),
        RequestBody.fromString(Json.writePretty(json)));
  }
}
