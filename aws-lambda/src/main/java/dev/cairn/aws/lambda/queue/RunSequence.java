package dev.cairn.aws.lambda.queue;

import dev.cairn.pipeline.json.Json;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The repository's run counter in the artifact bucket ({@code <prefix>queue/sequence.json}): {@code
 * cairn-validate} numbers each run as its execution starts, so the deploy queue knows which of two
 * runs is newer even when the older one's build ends last. Incremented by compare-and-swap ({@code
 * If-Match}/{@code If-None-Match}), so two runs never get the same number.
 */
public final class RunSequence {
  private static final int ATTEMPTS = 50;

  private final S3Client s3;
  private final String bucket;
  private final String key;

  /** A counter in {@code bucket} under the repository's {@code prefix}. */
  public RunSequence(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key =
        (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + "queue/sequence.json";
  }

  /**
   * The next number (1 for the first run).
   *
   * @throws IllegalStateException when the counter stayed contended for every attempt
   */
  public long next() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long current;
      String etag;
      try {
        ResponseBytes<GetObjectResponse> bytes =
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        current = Json.parse(bytes.asUtf8String()).path("sequence").asLong(0);
        etag = bytes.response().eTag();
      } catch (NoSuchKeyException e) {
        current = 0;
        etag = null;
      }
      long next = current + 1;
      String condition = etag;
      try {
        s3.putObject(
            b -> {
              b.bucket(bucket).key(key).contentType("application/json");
              if (condition == null) {
                b.ifNoneMatch("*");
              } else {
                b.ifMatch(condition);
              }
            },
            RequestBody.fromString("{\"sequence\": " + next + "}\n"));
        return next;
      } catch (S3Exception e) {
        if (e.statusCode() != 412 && e.statusCode() != 409) {
          throw e;
        }
      }
    }
    throw new IllegalStateException(
        "s3://" + bucket + "/" + key + " changed on every attempt: too many runs at once");
  }
}
