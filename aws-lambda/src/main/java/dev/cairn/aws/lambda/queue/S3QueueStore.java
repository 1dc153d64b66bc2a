package dev.cairn.aws.lambda.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The deploy queues of one repository in the artifact bucket: {@code <prefix>queue/<environment>
 * .json}, changed by compare-and-swap. A write names the version it read: {@code If-Match: <ETag>},
 * or {@code If-None-Match: *} for the first write. S3 makes conditional writes atomic, so of two
 * invocations that read the same version only one write succeeds; the other gets {@code 412
 * Precondition Failed} (or {@code 409 Conflict} while the first is in flight) and reads again.
 */
public final class S3QueueStore {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /**
   * A store.
   *
   * @param s3 the client
   * @param bucket the artifact bucket
   * @param prefix the repository's key prefix (e.g. {@code notes/}), or empty
   */
  public S3QueueStore(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * A state and the version it was read at.
   *
   * @param state the state (empty when never written)
   * @param etag the object's ETag, or null when there is no object yet
   * @param version the number of writes so far (0 when there is no object yet)
   */
  public record Versioned(QueueState state, String etag, long version) {}

  /** The key of an environment's queue. */
  public String key(String environment) {
    return prefix + "queue/" + environment + ".json";
  }

  /**
   * Reads an environment's queue.
   *
   * @throws IllegalStateException when the object is not a queue state (a person changed it)
   */
  public Versioned read(String environment) {
    try {
      ResponseBytes<GetObjectResponse> bytes =
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(environment)));
      try {
        JsonNode json = Json.parse(bytes.asUtf8String());
        return new Versioned(
            QueueState.fromJson(json), bytes.response().eTag(), json.path("version").asLong(0));
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "s3://" + bucket + "/" + key(environment) + " is not a deploy queue: " + e.getMessage(),
            e);
      }
    } catch (NoSuchKeyException e) {
      return new Versioned(QueueState.empty(environment), null, 0);
    }
  }

  /**
   * Writes a state if the object is still at the version read.
   *
   * @param read what was read (its ETag is the condition)
   * @param next the new state
   * @return false when another writer changed the object since: read again and decide again
   */
  public boolean write(Versioned read, QueueState next) {
    ObjectNode json = next.toJson();
    // Every write changes the content, so the ETag (an MD5 of it) changes too: a write that puts
    // back the same state must still make every other reader's If-Match fail.
    json.put("version", read.version() + 1);
    try {
      s3.putObject(
          b -> {
            b.bucket(bucket).key(key(next.environment())).contentType("application/json");
            if (read.etag() == null) {
              b.ifNoneMatch("*");
            } else {
              b.ifMatch(read.etag());
            }
          },
          RequestBody.fromString(Json.writePretty(json)));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /** The location of an environment's queue, for messages. */
  public String describe(String environment) {
    return "s3://" + bucket + "/" + key(environment);
  }
}
