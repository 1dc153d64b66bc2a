package dev.cairn.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.local.artifact.ContentAddressedArtifactStore;
import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.ArtifactStoreContract;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The artifact store contract on S3Mock, plus what only the S3 store does. */
class S3ArtifactStoreContractTest extends ArtifactStoreContract {
  private static S3Client s3;
  private static String bucket;

  @BeforeAll
  static void startS3() {
    s3 = EmulatorClients.s3();
    bucket = "artifacts-" + UUID.randomUUID();
    s3.createBucket(b -> b.bucket(bucket));
  }

  @AfterAll
  static void closeClient() {
    s3.close();
  }

  @Override
  protected ArtifactStore newStore() {
    return S3ArtifactStore.builder()
        .s3(s3)
        .bucket(bucket)
        .prefix("app-" + UUID.randomUUID())
        .scratch(temp.resolve("scratch"))
        .build();
  }

  @Override
  protected ArtifactStore reopen(ArtifactStore store) {
    S3ArtifactStore s = (S3ArtifactStore) store;
    return S3ArtifactStore.builder().s3(s3).bucket(s.bucket()).prefix(s.prefix()).build();
  }

  @Override
  protected void corrupt(ArtifactStore store, String digest) {
    String key = ((S3ArtifactStore) store).objectKey(digest);
    String text =
        new String(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray(),
            StandardCharsets.ISO_8859_1);
    s3.putObject(
        b -> b.bucket(bucket).key(key),
        RequestBody.fromBytes(
            text.replace("jar bytes", "bad bytes").getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void theDigestIsTheSameAsTheLocalStoresAndTheObjectIsEncrypted() throws Exception {
    Path build = buildOutput("build", Instant.EPOCH);
    String digest = store().put(build);
    String local = new ContentAddressedArtifactStore(temp.resolve("local")).put(build);

    assertThat(digest).isEqualTo(local);
    String key = ((S3ArtifactStore) store()).objectKey(digest);
    assertThat(key).endsWith("/objects/sha256/" + digest.substring("sha256:".length()));
    assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).serverSideEncryption())
        .isEqualTo(ServerSideEncryption.AES256);
  }

  @Test
  void puttingStoredContentAgainUploadsNothing() throws Exception {
    Path build = buildOutput("build", Instant.EPOCH);
    String digest = store().put(build);
    String key = ((S3ArtifactStore) store()).objectKey(digest);
    String etag = s3.headObject(b -> b.bucket(bucket).key(key)).eTag();
    Instant modified = s3.headObject(b -> b.bucket(bucket).key(key)).lastModified();

    assertThat(store().put(build)).isEqualTo(digest);

    assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).eTag()).isEqualTo(etag);
    assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).lastModified()).isEqualTo(modified);
  }

  @Test
  void s3RefusesBytesThatDoNotMatchTheChecksumTheStoreSends() {
    // What put relies on: the checksum travels with the upload and a mismatch is refused.
    String wrong =
        Base64.getEncoder()
            .encodeToString(new byte[32]); // SHA-256 of nothing that is uploaded here

    assertThatThrownBy(
            () ->
                s3.putObject(
                    b -> b.bucket(bucket).key("checksum-probe").checksumSHA256(wrong),
                    RequestBody.fromString("some bytes")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("checksum-probe")).contents())
        .isEmpty();
  }

  @Test
  void logsAreUploadedUnderTheRun() throws Exception {
    Path log = Files.writeString(temp.resolve("build.log"), "line 1\nline 2\n");

    String uri = ((S3ArtifactStore) store()).uploadLog("run-42", "build.log", log);

    String key = URI.create(uri).getPath().substring(1);
    assertThat(uri).startsWith("s3://" + bucket + "/").endsWith("/logs/run-42/build.log");
    assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
        .isEqualTo("line 1\nline 2\n");
    assertThatThrownBy(() -> ((S3ArtifactStore) store()).uploadLog("../run", "build.log", log))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMissingBucketNeedsAPerson() throws Exception {
    S3ArtifactStore store =
        S3ArtifactStore.builder().s3(s3).bucket("no-such-bucket-" + UUID.randomUUID()).build();
    Path build = buildOutput("build", Instant.EPOCH);

    assertThatThrownBy(() -> store.put(build))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no-such-bucket-")
        .cause()
        .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse());
  }

  @Test
  void anUnreachableS3IsRetryable() throws Exception {
    try (S3Client dead =
        EmulatorClients.configure(S3Client.builder(), URI.create("http://127.0.0.1:1"))
            .forcePathStyle(true)
            .build()) {
      S3ArtifactStore store = S3ArtifactStore.builder().s3(dead).bucket(bucket).build();

      assertThatThrownBy(() -> store.contains("sha256:" + "a".repeat(64)))
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessageContaining("could not be reached");
    }
  }
}
