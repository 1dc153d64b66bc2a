package dev.cairn.aws.batch;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.NeedsPersonAwsException;
import dev.cairn.aws.RemoteWork;
import dev.cairn.aws.logs.LogStreamTail;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.secret.Masker;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobTimeout;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Runs jobs on AWS Batch (on Fargate) with the Cairn runner image's job definition: submits the job
 * with container overrides, polls {@code DescribeJobs} until it ends, streams its output from
 * CloudWatch Logs (the job's log stream) to the {@link JobOutput} and to a local log file, and maps
 * the end state onto a {@link JobResult}.
 *
 * <p>{@link #run} maps a {@link JobSpec} through a configurable function (default {@link
 * BatchJobRequest#forSteps}); {@link #submit} and {@link #watch} are the two halves, for callers
 * that build a {@link BatchJobRequest} themselves (the state machine's Batch task handler).
 *
 * <p>A job that fails is a {@link JobResult} with outcome FAILED (or TIMED_OUT when Batch stopped
 * it at its time limit); the future completes exceptionally only when Batch itself cannot be used
 * (an {@link AwsException}: access denied, a missing queue, or retryable failures that persisted).
 */
public final class BatchJobExecutor implements JobExecutor, RemoteWork, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BatchJobExecutor.class.getName());

  /** Batch's status reason when a job attempt outlived its timeout. */
  static final String TIMEOUT_REASON = "Job attempt duration exceeded timeout";

  private static final int MAX_CONSECUTIVE_POLL_FAILURES = 10;

  private final BatchClient batch;
  private final CloudWatchLogsClient logs;
  private final String jobQueue;
  private final String jobDefinition;
  private final String logGroup;
  private final Duration pollInterval;
  private final Path logDirectory;
  private final Function<JobSpec, BatchJobRequest> requests;
  private final ScheduledExecutorService scheduler;
  private final Map<String, String> batchIds = new ConcurrentHashMap<>();

  private BatchJobExecutor(Builder builder) {
    this.batch = Objects.requireNonNull(builder.batch, "batch");
    this.logs = Objects.requireNonNull(builder.logs, "logs");
    this.jobQueue = Objects.requireNonNull(builder.jobQueue, "jobQueue");
    this.jobDefinition = Objects.requireNonNull(builder.jobDefinition, "jobDefinition");
    this.logGroup = Objects.requireNonNull(builder.logGroup, "logGroup");
    this.pollInterval = Objects.requireNonNull(builder.pollInterval, "pollInterval");
    this.logDirectory = Objects.requireNonNull(builder.logDirectory, "logDirectory");
    this.requests = Objects.requireNonNull(builder.requests, "requests");
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "batch-job-poller");
              t.setDaemon(true);
              return t;
            });
  }

  /** A builder; the clients, the job queue, the job definition and the log directory are needed. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<JobResult> run(JobSpec job, JobOutput output) {
    String batchId;
    try {
      batchId = submit(requests.apply(job));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    batchIds.put(job.id(), batchId);
    CompletableFuture<JobResult> result =
        watch(batchId, logDirectory.resolve(job.id() + ".log"), job.masked(), output);
    return result.whenComplete((r, e) -> batchIds.remove(job.id()));
  }

  /**
   * Submits a job to the queue with the runner's job definition.
   *
   * @return Batch's job id
   * @throws AwsException when Batch refuses the job or cannot be reached
   */
  public String submit(BatchJobRequest request) {
    SubmitJobRequest.Builder submit =
        SubmitJobRequest.builder()
            .jobName(request.jobName())
            .jobQueue(jobQueue)
            .jobDefinition(jobDefinition)
            .parameters(request.parameters())
            .propagateTags(true);
    ContainerOverrides.Builder overrides =
        ContainerOverrides.builder()
            .environment(
                request.environment().entrySet().stream()
                    .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build())
                    .toList());
    if (!request.command().isEmpty()) {
      overrides.command(request.command());
    }
    submit.containerOverrides(overrides.build());
    if (request.timeout() != null) {
      submit.timeout(
          JobTimeout.builder().attemptDurationSeconds((int) request.timeout().toSeconds()).build());
    }
    try {
      return batch.submitJob(submit.build()).jobId();
    } catch (SdkException e) {
      // The overrides hold no secrets (BatchJobRequest's rule), so Batch's words may be kept.
      throw AwsErrors.translate(
          "Batch SubmitJob of " + request.jobName() + " to queue " + jobQueue, e, true);
    }
  }

  /**
   * Follows a submitted job until it ends, passing its log lines on as they appear.
   *
   * @param batchId Batch's job id
   * @param logFile where the whole output is written (created or replaced)
   * @param masked values replaced by {@code ***} in every line, as a second line of defence after
   *     the runner's own masking
   * @return completes with the job's result; exceptionally with an {@link AwsException} when Batch
   *     cannot be asked
   */
  public CompletableFuture<JobResult> watch(
      String batchId, Path logFile, Set<String> masked, JobOutput output) {
    Watch watch = new Watch(batchId, logFile, masked, output);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      watch.writer =
          Files.newBufferedWriter(
              logFile,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new UncheckedIOException("cannot write the job's log to " + logFile, e));
    }
    ScheduledFuture<?> task =
        scheduler.scheduleWithFixedDelay(
            watch::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    watch.result.whenComplete((r, e) -> task.cancel(false));
    return watch.result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Terminates the Batch job (running or not yet started).
   *
   * @throws AwsException when Batch refuses or cannot be reached
   */
  @Override
  public void cancel(String jobId) {
    String batchId = batchIds.get(jobId);
    if (batchId == null) {
      return; // ended (or never ours): nothing to stop
    }
    try {
      batch.terminateJob(b -> b.jobId(batchId).reason("cancelled by Cairn"));
    } catch (SdkException e) {
      throw AwsErrors.translate("Batch TerminateJob of job " + batchId, e, true);
    }
  }

  /** Terminates the jobs this executor submitted that have not ended ({@link #cancel} each). */
  @Override
  public List<String> stopAll() {
    List<String> stopped = new java.util.ArrayList<>();
    for (Map.Entry<String, String> job : Map.copyOf(batchIds).entrySet()) {
      try {
        cancel(job.getKey());
        stopped.add("Batch job " + job.getValue() + " (" + job.getKey() + ") terminated");
      } catch (RuntimeException e) {
        stopped.add("Batch job " + job.getValue() + " not terminated: " + e.getMessage());
      }
    }
    return stopped;
  }

  /** Stops polling; jobs keep running on Batch (see {@link #stopAll}). */
  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /**
   * The result of a job that ended, from Batch's description of it.
   *
   * @return empty while the job has not ended
   */
  static java.util.Optional<JobResult> outcome(JobDetail job, Path logFile) {
    JobStatus status = job.status();
    if (status != JobStatus.SUCCEEDED && status != JobStatus.FAILED) {
      return java.util.Optional.empty();
    }
    String reason = job.statusReason() == null ? "" : job.statusReason();
    Integer exitCode = job.container() == null ? null : job.container().exitCode();
    if (status == JobStatus.SUCCEEDED) {
      return java.util.Optional.of(
          new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, logFile, "job succeeded"));
    }
    if (reason.contains(TIMEOUT_REASON)) {
      return java.util.Optional.of(
          new JobResult(
              JobResult.Outcome.TIMED_OUT,
              null,
              -1,
              logFile,
              "Batch job " + job.jobId() + " timed out: " + reason));
    }
    String exit = exitCode == null ? "without an exit code" : "with exit code " + exitCode;
    return java.util.Optional.of(
        new JobResult(
            JobResult.Outcome.FAILED,
            null,
            exitCode == null ? 1 : exitCode,
            logFile,
            "Batch job "
                + job.jobId()
                + " failed "
                + exit
                + (reason.isEmpty() ? "" : ": " + reason)));
  }

  /** One job being followed; its methods run on the scheduler's single thread. */
  private final class Watch {
    final String batchId;
    final Path logFile;
    final Masker masker;
    final JobOutput output;
    final CompletableFuture<JobResult> result = new CompletableFuture<>();
    BufferedWriter writer;
    LogStreamTail log;
    int failures;

    Watch(String batchId, Path logFile, Set<String> masked, JobOutput output) {
      this.batchId = batchId;
      this.logFile = logFile;
      this.masker = new Masker(masked);
      this.output = output;
    }

    void poll() {
      if (result.isDone()) {
        return;
      }
      try {
        List<JobDetail> jobs = batch.describeJobs(b -> b.jobs(batchId)).jobs();
        if (jobs.isEmpty()) {
          finish(
              null,
              new NeedsPersonAwsException(
                  "Batch does not know job " + batchId + " (wrong region or account?)",
                  "JobNotFound",
                  null));
          return;
        }
        JobDetail job = jobs.get(0);
        if (log == null && job.container() != null && job.container().logStreamName() != null) {
          log = new LogStreamTail(logs, logGroup, job.container().logStreamName());
        }
        java.util.Optional<JobResult> ended = outcome(job, logFile);
        // Read the log before deciding: the last lines arrive before the job is marked ended.
        readLog(job.jobName());
        failures = 0;
        ended.ifPresent(r -> finish(r, null));
      } catch (SdkException e) {
        AwsException typed = AwsErrors.translate("Batch DescribeJobs of job " + batchId, e, true);
        if (!typed.retryable() || ++failures >= MAX_CONSECUTIVE_POLL_FAILURES) {
          finish(null, typed);
        } else {
          LOG.log(Level.FINE, "polling Batch job {0} failed; retrying", batchId);
        }
      } catch (IOException | RuntimeException e) {
        finish(null, e);
      }
    }

    private void readLog(String step) throws IOException {
      if (log == null) {
        return;
      }
      List<String> lines = new ArrayList<>();
      log.read(message -> lines.add(masker.mask(message)));
      for (String line : lines) {
        writer.write(line);
        writer.newLine();
        output.line(step, line);
      }
      writer.flush();
    }

    private void finish(JobResult value, Throwable failure) {
      try {
        writer.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }
  }

  @Override
  public String toString() {
    return "BatchJobExecutor[" + jobQueue + ", " + jobDefinition + "]";
  }

  /** Options of a {@link BatchJobExecutor}. */
  public static final class Builder {
    private BatchClient batch;
    private CloudWatchLogsClient logs;
    private String jobQueue;
    private String jobDefinition;
    private String logGroup = "/aws/batch/job";
    private Duration pollInterval = Duration.ofSeconds(5);
    private Path logDirectory;
    private Function<JobSpec, BatchJobRequest> requests = BatchJobRequest::forSteps;

    private Builder() {}

    /** The Batch client (required). */
    public Builder batch(BatchClient batch) {
      this.batch = batch;
      return this;
    }

    /** The CloudWatch Logs client the job output is read with (required). */
    public Builder logs(CloudWatchLogsClient logs) {
      this.logs = logs;
      return this;
    }

    /** The job queue's name or ARN (required). */
    public Builder jobQueue(String jobQueue) {
      this.jobQueue = jobQueue;
      return this;
    }

    /** The runner's job definition, {@code name}, {@code name:revision} or ARN (required). */
    public Builder jobDefinition(String jobDefinition) {
      this.jobDefinition = jobDefinition;
      return this;
    }

    /** The log group the job definition logs to (default {@code /aws/batch/job}). */
    public Builder logGroup(String logGroup) {
      this.logGroup = logGroup;
      return this;
    }

    /** How often DescribeJobs is called (default 5 s; Batch's API is rate limited). */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /** Where {@code <job id>.log} files are written (required). */
    public Builder logDirectory(Path logDirectory) {
      this.logDirectory = logDirectory;
      return this;
    }

    /** How a {@link JobSpec} becomes a Batch job (default {@link BatchJobRequest#forSteps}). */
    public Builder requests(Function<JobSpec, BatchJobRequest> requests) {
      this.requests = requests;
      return this;
    }

    /** The executor (it owns one polling thread; close it). */
    public BatchJobExecutor build() {
      return new BatchJobExecutor(this);
    }
  }
}
