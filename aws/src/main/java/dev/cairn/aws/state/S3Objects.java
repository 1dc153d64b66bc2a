package dev.cairn.aws.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Small JSON objects in one bucket changed by compare-and-swap: a write names the version it read
 * ({@code If-Match: <ETag>}, or {@code If-None-Match: *} for the first write). S3 makes conditional
 * writes atomic, so of two writers that read the same version only one succeeds; the other gets
 * {@code 412 Precondition Failed} (or {@code 409 Conflict} while the first is in flight), reads
 * again and decides again.
 */
final class S3Objects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 50;

  private final S3Client s3;
  private final String bucket;

  S3Objects(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /** An object's JSON and the ETag it was read at. */
  record Versioned(Optional<ObjectNode> json, String etag) {}

  Versioned read(String key) {
    try {
      ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      JsonNode node = JSON.readTree(bytes.asUtf8String());
      if (node == null || !node.isObject()) {
        throw new IllegalStateException(describe(key) + " is not a JSON object");
      }
      return new Versioned(Optional.of((ObjectNode) node), bytes.response().eTag());
    } catch (NoSuchKeyException e) {
      return new Versioned(Optional.empty(), null);
    } catch (IOException e) {
      throw new IllegalStateException(describe(key) + " is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Applies {@code change} to the newest object and writes it if nobody wrote in between; retries
   * on conflict.
   *
   * @return the object written
   * @throws IllegalStateException when the object changed on every attempt
   */
  ObjectNode update(String key, Function<Optional<ObjectNode>, ObjectNode> change) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Versioned read = read(key);
      ObjectNode next = change.apply(read.json().map(ObjectNode::deepCopy));
      // Every write changes the content, so the ETag changes too: a write that puts back the same
      // state must still make every other reader's If-Match fail.
      next.put("version", read.json().map(j -> j.path("version").asLong(0)).orElse(0L) + 1);
      if (write(key, read.etag(), next)) {
        return next;
      }
    }
    throw new IllegalStateException(describe(key) + " changed on every attempt: too many writers");
  }

  /** Writes an object unconditionally (one writer only, e.g. a job's own result). */
  void put(String key, JsonNode json) {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/json"),
          RequestBody.fromString(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code json} if the object is still at {@code etag} (null: if there is none yet).
   *
   * @return false when another writer changed it meanwhile
   */
  boolean writeIfUnchanged(String key, String etag, ObjectNode json) {
    return write(key, etag, json);
  }

  private boolean write(String key, String etag, ObjectNode json) {
    String body;
    try {
      body = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      s3.putObject(
          b -> {
            b.bucket(bucket).key(key).contentType("application/json");
            if (etag == null) {
              b.ifNoneMatch("*");
            } else {
              b.ifMatch(etag);
            }
          },
          RequestBody.fromString(body));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /** The object's location, for messages. */
  String describe(String key) {
    return "s3://" + bucket + "/" + key;
  }

  static String prefix(String prefix) {
    return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }
}
