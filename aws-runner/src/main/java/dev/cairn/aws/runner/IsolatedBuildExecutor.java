package dev.cairn.aws.runner;

import dev.cairn.aws.RemoteWork;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.pipeline.artifact.Archive;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.runtime.CairnError;
import dev.cairn.pipeline.secret.Masker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The privileged runner's {@link JobExecutor} on AWS: the runtime's build (and any other job) runs
 * in a separate Batch job whose role holds none of Cairn's credentials (docs/security.md, "AWS").
 * The runtime's {@code BuildStep} is unchanged: it checks the commit out, calls {@link #run}, and
 * finds the artifact in the workspace afterwards, as it does locally. In between, this executor
 *
 * <ol>
 *   <li>stores the workspace and the build's secret-valued variables as the job's source ({@link
 *       BuildHandOff#sourceKey}, under a random ticket);
 *   <li>runs the job through {@code remote} (Batch with the build job definition, which runs {@code
 *       cairn runner steps}), telling it only the source's and the upload's keys and the output's
 *       path, never a secret value;
 *   <li>when it succeeded, reads the upload (an artifact archive: files and directories only, no
 *       links), unpacks it into a fresh directory and puts it at the output's path in the
 *       workspace, where the runtime checks and stores it as any artifact;
 *   <li>deletes the source (and its secrets) and the upload.
 * </ol>
 */
public final class IsolatedBuildExecutor implements JobExecutor, RemoteWork {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final S3HandOff store;
  private final String prefix;
  private final JobExecutor remote;
  private final Path scratch;

  /**
   * An executor.
   *
   * @param store the artifact bucket
   * @param prefix the repository's key prefix
   * @param remote runs the build job (Batch with the build job definition)
   * @param scratch space for the hand-off's files
   */
  IsolatedBuildExecutor(S3HandOff store, String prefix, JobExecutor remote, Path scratch) {
    this.store = Objects.requireNonNull(store, "store");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.scratch = Objects.requireNonNull(scratch, "scratch");
  }

  @Override
  public CompletableFuture<JobResult> run(JobSpec job, JobOutput output) {
    String ticket = HexFormat.of().formatHex(bytes());
    String sourceKey = BuildHandOff.sourceKey(prefix, job.id(), ticket);
    String uploadKey = BuildHandOff.uploadKey(prefix, job.id(), ticket);
    String resultKey = BuildHandOff.resultKey(prefix, job.id(), ticket);
    Path dir = scratch.resolve(job.id() + "-" + ticket);
    Map<String, String> secrets = new HashMap<>();
    Map<String, String> plain = new HashMap<>();
    job.env().forEach((k, v) -> (job.masked().contains(v) ? secrets : plain).put(k, v));
    plain.put(BuildHandOff.SOURCE_VARIABLE, sourceKey);
    plain.put(BuildHandOff.RESULT_VARIABLE, resultKey);
    if (job.output() != null) {
      plain.put(BuildHandOff.UPLOAD_VARIABLE, uploadKey);
      plain.put(BuildHandOff.OUTPUT_VARIABLE, job.output());
    }
    try {
      Files.createDirectories(dir);
      Path source = dir.resolve("source.car");
      try (OutputStream out = Files.newOutputStream(source)) {
        SourceArchive.write(job.workspace(), secrets, out);
      }
      store.put(sourceKey, source, Map.of());
      Files.delete(source);
    } catch (IOException e) {
      Archive.deleteTreeQuietly(dir);
      return CompletableFuture.failedFuture(
          new UncheckedIOException("the build's source could not be handed over: " + e, e));
    }
    JobSpec handedOver =
        new JobSpec(
            job.id(),
            job.workspace(),
            job.steps(),
            plain,
            job.timeout(),
            job.network(),
            job.masked(),
            job.output());
    return remote
        .run(handedOver, output)
        .thenApply(result -> collect(job, explained(job, result, resultKey, dir), uploadKey, dir))
        .whenComplete(
            (result, failure) -> {
              forget(sourceKey);
              forget(resultKey);
              if (job.output() != null) {
                forget(uploadKey);
              }
              Archive.deleteTreeQuietly(dir);
            });
  }

  @Override
  public void cancel(String jobId) {
    remote.cancel(jobId);
  }

  /** Terminates the build jobs in progress (the remote executor's, when it can). */
  @Override
  public java.util.List<String> stopAll() {
    return remote instanceof RemoteWork work ? work.stopAll() : java.util.List.of();
  }

  private static byte[] bytes() {
    byte[] ticket = new byte[16];
    RANDOM.nextBytes(ticket);
    return ticket;
  }

  /** A succeeded job's output, brought back into the workspace from the upload. */
  private JobResult collect(JobSpec job, JobResult result, String uploadKey, Path dir) {
    if (result.outcome() != JobResult.Outcome.SUCCEEDED || job.output() == null) {
      return result;
    }
    try {
      Path upload = dir.resolve("output.car");
      Map<String, String> metadata;
      try {
        metadata = store.get(uploadKey, upload);
      } catch (NoSuchFileException e) {
        return failed(result, "the build job uploaded no artifact (" + job.output() + ")");
      }
      Path unpacked = dir.resolve("output");
      Files.createDirectory(unpacked);
      try (InputStream in = Files.newInputStream(upload)) {
        // Files and directories only, inside the directory: a crafted upload cannot escape.
        Archive.read(in, unpacked);
      }
      Path workspace = job.workspace().normalize();
      Path target = workspace.resolve(job.output()).normalize();
      if (!target.startsWith(workspace)) {
        return failed(result, "the artifact path " + job.output() + " is not inside the workspace");
      }
      if (target.equals(workspace)) {
        // `artifact: .`: the whole workspace is the artifact, so it becomes the upload's content.
        try (Stream<Path> list = Files.list(workspace)) {
          list.toList().forEach(Archive::deleteTreeQuietly);
        }
        try (Stream<Path> list = Files.list(unpacked)) {
          for (Path entry : list.toList()) {
            Files.move(entry, workspace.resolve(entry.getFileName().toString()));
          }
        }
        return result;
      }
      Archive.deleteTreeQuietly(target);
      Files.createDirectories(target.getParent());
      if ("file".equals(metadata.get(BuildHandOff.KIND_METADATA))) {
        List<Path> files;
        try (Stream<Path> list = Files.list(unpacked)) {
          files = list.toList();
        }
        if (files.size() != 1 || !Files.isRegularFile(files.get(0), LinkOption.NOFOLLOW_LINKS)) {
          return failed(result, "the build job's upload is not the one file it announced");
        }
        Files.move(files.get(0), target);
      } else {
        Files.move(unpacked, target);
      }
      return result;
    } catch (IOException e) {
      return failed(result, "the build job's upload could not be read: " + e.getMessage());
    }
  }

  /**
   * A failed job's own reason (e.g. {@code step 'compile' exited with 1}) instead of Batch's "exit
   * code 1": the build's record and status say what went wrong. The text is the build's, so it is
   * cut to one line of at most 500 characters; secrets are masked again by the runtime's record.
   */
  private JobResult explained(JobSpec job, JobResult result, String resultKey, Path dir) {
    if (result.outcome() == JobResult.Outcome.SUCCEEDED) {
      return result;
    }
    com.fasterxml.jackson.databind.JsonNode reported;
    try {
      Path file = dir.resolve("result.json");
      store.get(resultKey, file);
      reported = Json.parse(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      return result; // no result (the job died before writing it): Batch's reason stays
    }
    String cause = mask(job, reported.path("cause").asText("").replaceAll("[\\r\\n]+", " "));
    if (cause.length() > 500) {
      cause = cause.substring(0, 500) + "…";
    }
    if (CairnError.TRANSIENT.errorName().equals(reported.path("error").asText())) {
      // S3 or the network failed the build job after Batch's retries: not the commit's failure.
      // The privileged job ends as retryable (exit 3) and Batch retries it, with a fresh build.
      throw new UncheckedIOException(
          new IOException("the build job could not do its work for now: " + cause));
    }
    if (cause.isBlank()) {
      return result;
    }
    return new JobResult(
        result.outcome(), result.failedStep(), result.exitCode(), result.log(), cause.strip());
  }

  private static String mask(JobSpec job, String text) {
    return new Masker(job.masked()).maskText(text);
  }

  private static JobResult failed(JobResult result, String message) {
    return new JobResult(JobResult.Outcome.FAILED, null, 1, result.log(), message);
  }

  private void forget(String key) {
    try {
      store.delete(key);
    } catch (IOException e) {
      // The bucket's lifecycle expires hand-offs; nothing else reads them.
    }
  }
}
