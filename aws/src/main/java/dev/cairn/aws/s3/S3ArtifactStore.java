package dev.cairn.aws.s3;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.pipeline.artifact.Archive;
import dev.cairn.pipeline.port.ArtifactStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Keeps artifacts in an S3 bucket, content-addressed: the object {@code
 * <prefix>objects/sha256/<hex>} holds the artifact archive (the same format as the local store, so
 * a build has the same digest here and there) and {@code <prefix>trees/<tree id>} holds the digest
 * a git tree built. Job logs go to {@code <prefix>logs/<run>/<name>} ({@link #uploadLog}).
 *
 * <p>Every object is written with server-side encryption (SSE-S3 by default, SSE-KMS with a key
 * when one is configured). {@link #put} is idempotent: an artifact that is already stored is not
 * uploaded again, and concurrent uploads of the same content write the same bytes. Uploads carry
 * their SHA-256 checksum, so S3 rejects bytes damaged on the way; downloads are checked against the
 * digest before anything is unpacked.
 *
 * <p>Failures of S3 surface as {@link IOException}s whose cause is an {@link AwsException} (its
 * {@link AwsException#retryable()} says whether to retry), or directly as an {@link AwsException}
 * from {@link #contains}, which declares no checked exception.
 */
public final class S3ArtifactStore implements ArtifactStore {
  private static final String PREFIX = "sha256:";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern TREE = Pattern.compile("[0-9A-Za-z]{1,128}");

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String kmsKeyId;
  private final Path scratch;

  private S3ArtifactStore(Builder builder) {
    this.s3 = Objects.requireNonNull(builder.s3, "s3");
    this.bucket = Objects.requireNonNull(builder.bucket, "bucket");
    String p = builder.prefix == null ? "" : builder.prefix;
    this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
    this.kmsKeyId = builder.kmsKeyId;
    this.scratch = builder.scratch;
  }

  /** A builder; the S3 client and the bucket are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix ({@code ""} or ending in {@code /}). */
  public String prefix() {
    return prefix;
  }

  /** The object key of an artifact, {@code <prefix>objects/sha256/<hex>}. */
  public String objectKey(String digest) {
    requireDigest(digest);
    return prefix + "objects/sha256/" + digest.substring(PREFIX.length());
  }

  @Override
  public String put(Path fileOrDirectory) throws IOException {
    if (!Files.exists(fileOrDirectory)) {
      throw new NoSuchFileException(fileOrDirectory.toString(), null, "nothing to store");
    }
    Path temp = scratchFile("put-");
    try {
      MessageDigest sha = Archive.sha256();
      try (OutputStream out =
          new DigestOutputStream(
              new BufferedOutputStream(Files.newOutputStream(temp), 64 * 1024), sha)) {
        Archive.write(fileOrDirectory, out);
      }
      byte[] hash = sha.digest();
      String digest = PREFIX + HexFormat.of().formatHex(hash);
      String key = objectKey(digest);
      if (!exists(key)) {
        upload(key, temp, Base64.getEncoder().encodeToString(hash));
      }
      return digest;
    } catch (IOException e) {
      if (e.getCause() instanceof AwsException) {
        throw e; // already names the bucket, the key and the AWS error
      }
      throw new IOException(
          "cannot store "
              + fileOrDirectory
              + " in s3://"
              + bucket
              + "/"
              + prefix
              + ": "
              + e.getMessage(),
          e);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public void extract(String digest, Path target) throws IOException {
    String key = objectKey(digest);
    try (ResponseInputStream<GetObjectResponse> object = download(key, digest)) {
      Archive.extractVerified(object, digest, target);
    } catch (NoSuchFileException | java.nio.file.FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(
          "cannot extract artifact " + digest + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws AwsException when S3 cannot answer (e.g. access denied)
   */
  @Override
  public boolean contains(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      return false;
    }
    try {
      return exists(objectKey(digest));
    } catch (IOException e) {
      throw e.getCause() instanceof AwsException a ? a : new UncheckedIOException(e);
    }
  }

  @Override
  public void recordTree(String treeId, String digest) throws IOException {
    if (treeId == null || !TREE.matcher(treeId).matches()) {
      throw new IllegalArgumentException("'" + treeId + "' is not a git tree id");
    }
    if (!contains(digest)) {
      throw new IllegalArgumentException("artifact " + digest + " is not stored");
    }
    String key = prefix + "trees/" + treeId;
    try {
      s3.putObject(
          encrypted(PutObjectRequest.builder().bucket(bucket).key(key))
              .contentType("text/plain; charset=utf-8")
              .build(),
          RequestBody.fromString(digest, StandardCharsets.UTF_8));
    } catch (SdkException e) {
      throw io("record the artifact of tree " + treeId, key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws AwsException when S3 cannot answer (e.g. access denied)
   */
  @Override
  public Optional<String> forTree(String treeId) {
    if (treeId == null || !TREE.matcher(treeId).matches()) {
      return Optional.empty();
    }
    String key = prefix + "trees/" + treeId;
    String digest;
    try {
      digest = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String().trim();
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsErrors.translate("S3 GetObject " + uri(key), e, true);
    }
    return Optional.of(digest).filter(this::contains);
  }

  /**
   * Uploads a job's log file to {@code <prefix>logs/<run>/<name>} (encrypted, {@code text/plain}).
   *
   * @param run the run's id
   * @param name the log's name, e.g. {@code build.log}
   * @return the object's {@code s3://bucket/key} URI
   * @throws IOException when the file cannot be read or S3 refuses it (cause: {@link AwsException})
   */
  public String uploadLog(String run, String name, Path log) throws IOException {
    requireSegment("run", run);
    requireSegment("log name", name);
    if (!Files.isRegularFile(log)) {
      throw new NoSuchFileException(log.toString(), null, "no log file to upload");
    }
    String key = prefix + "logs/" + run + "/" + name;
    try {
      s3.putObject(
          encrypted(PutObjectRequest.builder().bucket(bucket).key(key))
              .contentType("text/plain; charset=utf-8")
              .build(),
          RequestBody.fromFile(log));
    } catch (SdkException e) {
      throw io("upload log " + log, key, e);
    }
    return uri(key);
  }

  private void upload(String key, Path archive, String sha256Base64) throws IOException {
    try {
      s3.putObject(
          encrypted(PutObjectRequest.builder().bucket(bucket).key(key))
              .contentType("application/octet-stream")
              // S3 checks the bytes it received against this and refuses damaged uploads.
              .checksumSHA256(sha256Base64)
              .build(),
          RequestBody.fromFile(archive));
    } catch (SdkException e) {
      throw io("upload the artifact", key, e);
    }
  }

  private ResponseInputStream<GetObjectResponse> download(String key, String digest)
      throws IOException {
    try {
      return s3.getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(uri(key), null, "artifact " + digest + " is not stored");
    } catch (SdkException e) {
      throw io("download the artifact", key, e);
    }
  }

  private boolean exists(String key) throws IOException {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        // HEAD responses have no body, so S3 cannot say NoSuchKey: a bare 404 it is.
        return false;
      }
      throw io("look up", key, e);
    } catch (SdkException e) {
      throw io("look up", key, e);
    }
  }

  private PutObjectRequest.Builder encrypted(PutObjectRequest.Builder request) {
    if (kmsKeyId != null) {
      return request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(kmsKeyId);
    }
    return request.serverSideEncryption(ServerSideEncryption.AES256);
  }

  private IOException io(String action, String key, SdkException e) {
    AwsException typed = AwsErrors.translate("S3 " + action + " at " + uri(key), e, true);
    return new IOException(typed.getMessage(), typed);
  }

  private String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  private Path scratchFile(String name) throws IOException {
    return scratch == null
        ? Files.createTempFile("cairn-" + name, ".car")
        : Files.createTempFile(Files.createDirectories(scratch), name, ".car");
  }

  private static void requireDigest(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "'" + digest + "' is not an artifact digest (sha256:<64 hex digits>)");
    }
  }

  private static void requireSegment(String what, String value) {
    if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException(
          what + " '" + value + "' is not valid: use letters, digits, '.', '_' and '-'");
    }
  }

  @Override
  public String toString() {
    return "S3ArtifactStore[s3://" + bucket + "/" + prefix + "]";
  }

  /** Options of an {@link S3ArtifactStore}. */
  public static final class Builder {
    private S3Client s3;
    private String bucket;
    private String prefix = "";
    private String kmsKeyId;
    private Path scratch;

    private Builder() {}

    /** The S3 client (required). */
    public Builder s3(S3Client s3) {
      this.s3 = s3;
      return this;
    }

    /** The bucket (required). */
    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    /** A key prefix, e.g. {@code notes/} for one application's artifacts (default none). */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Encrypts with SSE-KMS under this key instead of SSE-S3. */
    public Builder kmsKeyId(String kmsKeyId) {
      this.kmsKeyId = kmsKeyId;
      return this;
    }

    /** Where archives are written before upload (default: the system's temporary directory). */
    public Builder scratch(Path scratch) {
      this.scratch = scratch;
      return this;
    }

    /** The store. */
    public S3ArtifactStore build() {
      return new S3ArtifactStore(this);
    }
  }
}
