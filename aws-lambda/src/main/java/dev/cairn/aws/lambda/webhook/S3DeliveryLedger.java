package dev.cairn.aws.lambda.webhook;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The delivery ledger in S3: a claim is a conditional put ({@code If-None-Match: *}) of {@code
 * deliveries/<id>} in the artifact bucket. S3 makes the put atomic: of two concurrent claims of one
 * id exactly one succeeds, the other gets {@code 412 Precondition Failed}. It needs no table of its
 * own (the bucket exists anyway), costs one PUT per delivery, and the bucket's lifecycle rule can
 * expire old markers (GitHub does not redeliver after a few days).
 */
public final class S3DeliveryLedger implements DeliveryLedger {
  /** The key prefix of the markers. */
  public static final String PREFIX = "deliveries/";

  private final S3Client s3;
  private final String bucket;

  /** A ledger in {@code bucket}. */
  public S3DeliveryLedger(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  @Override
  public boolean claim(String deliveryId, String summary) {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(PREFIX + deliveryId).ifNoneMatch("*").contentType("text/plain"),
          RequestBody.fromString(summary));
      return true;
    } catch (S3Exception e) {
      // 412: the marker exists. 409: a concurrent put of the same key is in flight; either way
      // another invocation has the delivery.
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void release(String deliveryId) {
    s3.deleteObject(b -> b.bucket(bucket).key(PREFIX + deliveryId));
  }
}
