package dev.cairn.aws.runner;

import dev.cairn.aws.AwsErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The objects of a build's hand-off ({@link dev.cairn.aws.batch.BuildHandOff}) in the artifact
 * bucket: the privileged runner writes the source and reads the upload, the build job the other way
 * round. Encrypted by the bucket's default key (SSE-KMS on AWS).
 */
public final class S3HandOff {
  private final S3Client s3;
  private final String bucket;

  /** The hand-off objects in {@code bucket}. */
  public S3HandOff(S3Client s3, String bucket) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
  }

  /** Stores {@code file} at {@code key} with the given user metadata. */
  void put(String key, Path file, Map<String, String> metadata) throws IOException {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/octet-stream").metadata(metadata),
          RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw new IOException(AwsErrors.translate("S3 PutObject of " + key, e, true).getMessage(), e);
    }
  }

  /**
   * Reads {@code key} into {@code file} (which must not exist).
   *
   * @return the object's user metadata
   * @throws NoSuchFileException when there is no such object
   */
  Map<String, String> get(String key, Path file) throws IOException {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      GetObjectResponse response =
          s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(file));
      return response.metadata();
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException("s3://" + bucket + "/" + key);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new NoSuchFileException("s3://" + bucket + "/" + key);
      }
      throw new IOException(AwsErrors.translate("S3 GetObject of " + key, e, true).getMessage(), e);
    } catch (SdkException e) {
      throw new IOException(AwsErrors.translate("S3 GetObject of " + key, e, true).getMessage(), e);
    }
  }

  /** Deletes {@code key}; a failure is the caller's to report (the object expires anyway). */
  void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw new IOException(
          AwsErrors.translate("S3 DeleteObject of " + key, e, true).getMessage(), e);
    }
  }
}
