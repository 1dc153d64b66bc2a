package dev.cairn.aws.codebuild;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.NeedsPersonAwsException;
import dev.cairn.aws.RemoteWork;
import dev.cairn.aws.RetryableAwsException;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.aws.logs.LogStreamTail;
import dev.cairn.pipeline.artifact.Archive;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.secret.Masker;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@link ContainerImages} of the AWS runtime: release images are built by the repository's
 * CodeBuild project ({@code <prefix>-<repo>-image}, privileged for Docker) and pushed to the
 * repository's ECR repository, tagged with the commit; the run's artifact is {@code
 * image:sha256:<manifest digest>}. See docs/aws.md, "Release images".
 *
 * <p>{@link #build}: the build context (which the unprivileged build job produced and the runner's
 * {@code IsolatedBuildExecutor} brought back into the workspace) is packed with its Containerfile
 * as a zip file ({@link ContextArchive}) and stored at {@link BuildHandOff#contextKey}; {@code
 * StartBuild} runs the project on it ({@code sourceLocationOverride}) with {@code IMAGE_TAG},
 * {@code IMAGE_FILE} and {@code IMAGE_NETWORK}; the build is followed with {@code BatchGetBuilds}
 * until it ends, its CloudWatch Logs stream copied into the output (masked); then the digest of
 * {@code <repository>:<tag>} is read from ECR ({@code DescribeImages}). A tag that exists already
 * (a retried build of the same commit: tags are immutable, a second push would be refused) is
 * reused without a build.
 *
 * <p>{@link #forTree} finds nothing: images are tagged by commit, not by tree, and tags cannot
 * move, so another commit with the same tree builds its own image (ECR stores the identical layers
 * once). {@link #run} is not used on AWS: a migration runs as an ECS task of the environment's
 * stack.
 *
 * <p>{@link #stopAll} stops the builds in progress (the runner's shutdown hook, when the runner is
 * terminated): a follower that sees its build {@code STOPPED} reports the build failed.
 */
public final class CodeBuildImages implements ContainerImages, RemoteWork {
  /** The step name of the build's lines in the output. */
  static final String STEP = "image";

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_CONSECUTIVE_POLL_FAILURES = 10;

  private final CodeBuildClient codeBuild;
  private final EcrClient ecr;
  private final CloudWatchLogsClient logs;
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String project;
  private final String repositoryUri;
  private final String repositoryName;
  private final String registryId;
  private final Path work;
  private final Duration pollInterval;
  private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

  private CodeBuildImages(Builder b) {
    this.codeBuild = Objects.requireNonNull(b.codeBuild, "codeBuild");
    this.ecr = Objects.requireNonNull(b.ecr, "ecr");
    this.logs = Objects.requireNonNull(b.logs, "logs");
    this.s3 = Objects.requireNonNull(b.s3, "s3");
    this.bucket = Objects.requireNonNull(b.bucket, "bucket");
    this.prefix = Objects.requireNonNull(b.prefix, "prefix");
    this.project = Objects.requireNonNull(b.project, "project");
    this.repositoryUri = Objects.requireNonNull(b.repositoryUri, "repositoryUri");
    this.work = Objects.requireNonNull(b.work, "work");
    this.pollInterval = Objects.requireNonNull(b.pollInterval, "pollInterval");
    int slash = repositoryUri.indexOf('/');
    if (slash <= 0 || slash == repositoryUri.length() - 1) {
      throw new IllegalArgumentException(
          "not an ECR repository URI (<registry>/<name>): " + repositoryUri);
    }
    this.repositoryName = repositoryUri.substring(slash + 1);
    String account =
        repositoryUri.substring(
            0, repositoryUri.indexOf('.') < 0 ? slash : repositoryUri.indexOf('.'));
    this.registryId = account.matches("[0-9]{12}") ? account : null;
  }

  /** A builder; every setting but the poll interval is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<String> unavailable() {
    return Optional.empty();
  }

  @Override
  public Built build(ImageBuild build, JobOutput output) {
    String tag = tagOf(build.tag());
    String ticket = HexFormat.of().formatHex(ticket());
    Path dir = work.resolve(build.id() + "-" + ticket);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the image build's files in " + dir, e);
    }
    try (BufferedWriter writer = Files.newBufferedWriter(log(build), StandardCharsets.UTF_8)) {
      Output out = new Output(writer, output, new Masker(build.masked()));
      Optional<String> existing = digest(tag);
      if (existing.isPresent()) {
        out.line(
            repositoryUri
                + ":"
                + tag
                + " exists already (tags are immutable): "
                + existing.get()
                + ", not built again");
        return new Built(
            result(JobResult.Outcome.SUCCEEDED, "image exists", build), existing.get());
      }
      String key = BuildHandOff.contextKey(prefix, build.id(), ticket);
      Path zip = dir.resolve("context.zip");
      String file;
      try {
        file = ContextArchive.write(build.context(), build.file(), zip);
      } catch (IOException e) {
        out.line("the image's build context cannot be packed: " + e.getMessage());
        return new Built(
            result(
                JobResult.Outcome.FAILED,
                "the build context cannot be packed: " + e.getMessage(),
                build),
            null);
      }
      put(key, zip);
      try {
        CodeBuildClient.Build started =
            codeBuild.startBuild(
                new CodeBuildClient.StartBuild(
                    project,
                    bucket + "/" + key,
                    Map.of(
                        "IMAGE_TAG",
                        tag,
                        "IMAGE_FILE",
                        file,
                        // As locally: RUN instructions get no network unless build.network.
                        "IMAGE_NETWORK",
                        build.network() ? "default" : "none"),
                    minutes(build.timeout()),
                    ticket));
        inProgress.add(started.id());
        CodeBuildClient.Build ended;
        try {
          out.line("CodeBuild build " + started.id() + " of " + repositoryUri + ":" + tag);
          ended = follow(started, out);
        } finally {
          inProgress.remove(started.id());
        }
        return ended(ended, tag, out, build);
      } finally {
        delete(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the image build's log: " + e.getMessage(), e);
    } finally {
      Archive.deleteTreeQuietly(dir);
    }
  }

  @Override
  public List<String> stopAll() {
    List<String> stopped = new java.util.ArrayList<>();
    for (String id : List.copyOf(inProgress)) {
      try {
        codeBuild.stopBuild(id);
        stopped.add("CodeBuild build " + id + " stopped");
      } catch (RuntimeException e) {
        stopped.add("CodeBuild build " + id + " not stopped: " + e.getMessage());
      }
    }
    return stopped;
  }

  /** The outcome of an ended build: the pushed image's digest, or why there is none. */
  private Built ended(CodeBuildClient.Build build, String tag, Output out, ImageBuild request) {
    switch (build.status() == null ? "UNKNOWN" : build.status()) {
      case "SUCCEEDED" -> {
        Optional<String> digest = digest(tag);
        if (digest.isEmpty()) {
          String message =
              "CodeBuild build "
                  + build.id()
                  + " succeeded, but ECR has no image "
                  + repositoryUri
                  + ":"
                  + tag
                  + " (did the project's buildspec push it?)";
          out.line(message);
          return new Built(result(JobResult.Outcome.FAILED, message, request), null);
        }
        out.line("pushed " + repositoryUri + ":" + tag + " " + digest.get());
        return new Built(result(JobResult.Outcome.SUCCEEDED, "image built", request), digest.get());
      }
      case "FAULT" ->
          // CodeBuild's own failure, not the commit's: the runner exits 3 and Batch retries.
          throw new RetryableAwsException(
              "CodeBuild build "
                  + build.id()
                  + " faulted (CodeBuild's own error"
                  + where(build)
                  + ")",
              "FAULT",
              null);
      case "TIMED_OUT" -> {
        String message =
            "CodeBuild build "
                + build.id()
                + " timed out after "
                + minutes(request.timeout())
                + " min";
        return new Built(
            new JobResult(JobResult.Outcome.TIMED_OUT, STEP, -1, log(request), message), null);
      }
      default -> {
        String message =
            "CodeBuild build "
                + build.id()
                + " "
                + String.valueOf(build.status()).toLowerCase(java.util.Locale.ROOT)
                + where(build);
        return new Built(result(JobResult.Outcome.FAILED, message, request), null);
      }
    }
  }

  private static String where(CodeBuildClient.Build build) {
    if (build.failedPhase() == null) {
      return "";
    }
    return " in phase "
        + build.failedPhase()
        + (build.failure() == null ? "" : ": " + build.failure());
  }

  /** Polls the build until it ends, copying its log lines as they appear. */
  private CodeBuildClient.Build follow(CodeBuildClient.Build started, Output out) {
    LogTail tail = new LogTail(out);
    CodeBuildClient.Build build = started;
    int failures = 0;
    while (true) {
      try {
        List<CodeBuildClient.Build> builds = codeBuild.batchGetBuilds(List.of(started.id()));
        if (builds.isEmpty()) {
          throw new NeedsPersonAwsException(
              "CodeBuild does not know build " + started.id() + " (wrong region or account?)",
              "BuildNotFound",
              null);
        }
        build = builds.get(0);
        failures = 0;
      } catch (AwsException e) {
        if (!e.retryable() || ++failures >= MAX_CONSECUTIVE_POLL_FAILURES) {
          throw e;
        }
      }
      // The last lines are written before the build is marked ended: read, then decide.
      tail.read(build.logGroup(), build.logStream());
      if (build.done()) {
        tail.read(build.logGroup(), build.logStream());
        if (build.logStream() == null) {
          out.line("(CodeBuild named no log stream for build " + build.id() + ")");
        }
        return build;
      }
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetryableAwsException(
            "interrupted while following CodeBuild build " + build.id(), "Interrupted", e);
      }
    }
  }

  /** The manifest digest of {@code <repository>:<tag>}, if ECR has it. */
  Optional<String> digest(String tag) {
    return describe(ImageIdentifier.builder().imageTag(tag).build(), repositoryUri + ":" + tag);
  }

  @Override
  public Optional<String> forTree(String tree) {
    // Tags are per commit and immutable: nothing in ECR says which tree an image was built from.
    return Optional.empty();
  }

  @Override
  public boolean exists(String imageId) {
    return describe(
            ImageIdentifier.builder().imageDigest(imageId).build(), repositoryUri + "@" + imageId)
        .isPresent();
  }

  private Optional<String> describe(ImageIdentifier id, String what) {
    try {
      var details =
          ecr.describeImages(
                  b -> {
                    b.repositoryName(repositoryName).imageIds(id);
                    if (registryId != null) {
                      b.registryId(registryId);
                    }
                  })
              .imageDetails();
      return details.isEmpty()
          ? Optional.empty()
          : Optional.ofNullable(details.get(0).imageDigest());
    } catch (ImageNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsErrors.translate("ECR DescribeImages of " + what, e, true);
    }
  }

  @Override
  public JobResult run(OneOff run, JobOutput output) {
    String message =
        "one-off containers do not run through CodeBuildImages: on AWS a migration runs as an ECS"
            + " task of the environment's stack (CairnMigrationTaskDefinition, docs/aws.md)";
    return new JobResult(JobResult.Outcome.FAILED, null, 1, null, message);
  }

  /** The tag part of an image reference ({@code localhost/cairn-notes:<commit>} → the commit). */
  static String tagOf(String reference) {
    int colon = reference.lastIndexOf(':');
    String tag =
        colon < 0 || reference.indexOf('/', colon) >= 0 ? "" : reference.substring(colon + 1);
    if (!TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("not a tagged image reference: " + reference);
    }
    return tag;
  }

  /** CodeBuild's time limit for the build's: whole minutes, 5 to 2160. */
  static int minutes(Duration timeout) {
    long minutes = (timeout.toSeconds() + 59) / 60;
    return (int) Math.max(5, Math.min(2160, minutes));
  }

  private JobResult result(JobResult.Outcome outcome, String message, ImageBuild build) {
    return new JobResult(
        outcome,
        outcome == JobResult.Outcome.SUCCEEDED ? null : STEP,
        outcome == JobResult.Outcome.SUCCEEDED ? 0 : 1,
        log(build),
        message);
  }

  private Path log(ImageBuild build) {
    return work.resolve(build.id() + ".log");
  }

  private void put(String key, Path zip) {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/zip"), RequestBody.fromFile(zip));
    } catch (SdkException e) {
      throw AwsErrors.translate("S3 PutObject of s3://" + bucket + "/" + key, e, true);
    }
  }

  private void delete(String key) {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      // The bucket's lifecycle expires uploads/ after a day; nothing else reads it.
    }
  }

  private static byte[] ticket() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return "CodeBuildImages[" + project + " → " + repositoryUri + "]";
  }

  /** Where the build's lines go: the log file and the output, masked. */
  private record Output(BufferedWriter writer, JobOutput output, Masker masker) {
    void line(String text) {
      String line = masker.mask(text);
      try {
        writer.write(line);
        writer.newLine();
        writer.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the image build's log", e);
      }
      output.line(STEP, line);
    }
  }

  /** Copies a build's log lines as they appear: CodeBuild names its stream once it started. */
  private final class LogTail {
    private final Output out;
    private LogStreamTail tail;

    LogTail(Output out) {
      this.out = out;
    }

    void read(String group, String stream) {
      if (group == null || stream == null) {
        return;
      }
      if (tail == null) {
        tail = new LogStreamTail(logs, group, stream);
      }
      try {
        // CodeBuild's events end with the line's newline.
        tail.read(message -> out.line(message.stripTrailing()));
      } catch (SdkException e) {
        AwsException typed =
            AwsErrors.translate("CloudWatch Logs GetLogEvents of " + tail, e, true);
        if (!typed.retryable()) {
          throw typed;
        }
        // The next poll reads on from where this one stopped.
      }
    }
  }

  /** Options of {@link CodeBuildImages}. */
  public static final class Builder {
    private CodeBuildClient codeBuild;
    private EcrClient ecr;
    private CloudWatchLogsClient logs;
    private S3Client s3;
    private String bucket;
    private String prefix = "";
    private String project;
    private String repositoryUri;
    private Path work;
    private Duration pollInterval = Duration.ofSeconds(5);

    private Builder() {}

    /** Starts and follows the builds. */
    public Builder codeBuild(CodeBuildClient value) {
      codeBuild = value;
      return this;
    }

    /** Reads the pushed images' digests. */
    public Builder ecr(EcrClient value) {
      ecr = value;
      return this;
    }

    /** Reads the builds' log streams. */
    public Builder logs(CloudWatchLogsClient value) {
      logs = value;
      return this;
    }

    /** Stores the build contexts. */
    public Builder s3(S3Client value) {
      s3 = value;
      return this;
    }

    /** The artifact bucket; the contexts go under {@code <prefix>uploads/}. */
    public Builder bucket(String value) {
      bucket = value;
      return this;
    }

    /** The repository's key prefix, e.g. {@code notes/} (default none). */
    public Builder prefix(String value) {
      prefix = value;
      return this;
    }

    /** The CodeBuild project, {@code <prefix>-<repo>-image}. */
    public Builder project(String value) {
      project = value;
      return this;
    }

    /** The ECR repository's URI ({@code <account>.dkr.ecr.<region>.amazonaws.com/<name>}). */
    public Builder repositoryUri(String value) {
      repositoryUri = value;
      return this;
    }

    /** Scratch space for the archives and the logs. */
    public Builder work(Path value) {
      work = value;
      return this;
    }

    /** How often BatchGetBuilds is called (default 5 s). */
    public Builder pollInterval(Duration value) {
      pollInterval = value;
      return this;
    }

    /** The adapter. */
    public CodeBuildImages build() {
      return new CodeBuildImages(this);
    }
  }
}
