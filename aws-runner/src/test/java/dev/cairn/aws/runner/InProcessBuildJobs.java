package dev.cairn.aws.runner;

import dev.cairn.aws.batch.BatchJobRequest;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.S3Mock;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.runtime.JobLogs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What AWS Batch does with the build job definition, in-process: the request {@link
 * BatchJobRequest#forSteps} makes is run as {@code cairn runner steps} would run it in its own
 * container (the request's environment as the container's, {@link RunnerSetup}'s build-job wiring:
 * no runtime, no secrets), with an S3 client confined to what the build role's policy allows — read
 * {@value BuildHandOff#SOURCES}, write {@value BuildHandOff#UPLOADS}, the same constants the
 * pipeline stack writes the policy from. S3Mock checks no IAM, so the client refuses everything
 * else itself and remembers it: {@link #refused()} must stay empty for the runner's own code.
 *
 * <p>Its result is what {@code BatchJobExecutor} reports for a Batch job: SUCCEEDED, or FAILED with
 * "exit code N" (the build's own reason comes back through the hand-off's result).
 */
final class InProcessBuildJobs implements JobExecutor {
  private final String bucket;
  private final String prefix;
  private final JobExecutor steps;
  private final Path work;
  private final S3Client confined;
  private final List<String> refused = new CopyOnWriteArrayList<>();

  /**
   * Build jobs.
   *
   * @param prefix the repository's key prefix: the role covers {@code <prefix>sources/*} and {@code
   *     <prefix>uploads/*}
   */
  InProcessBuildJobs(String bucket, String prefix, JobExecutor steps, Path work) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.steps = steps;
    this.work = work;
    this.confined =
        EmulatorClients.configure(S3Client.builder(), S3Mock.endpoint())
            .forcePathStyle(true)
            .httpClientBuilder(ApacheHttpClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(new BuildRole()))
            .build();
  }

  /** Requests of the build job that its role would have been refused. */
  List<String> refused() {
    return List.copyOf(refused);
  }

  /** The build role's S3 access: any other request fails as AccessDenied would. */
  S3Client confined() {
    return confined;
  }

  @Override
  public CompletableFuture<JobResult> run(JobSpec spec, JobOutput output) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            BatchJobRequest request = BatchJobRequest.forSteps(spec);
            Path directory = work.resolve(spec.id());
            Files.createDirectories(directory);
            Path log = directory.resolve("batch.log");
            RunnerResult result;
            try (PrintStream out = lines(log, output)) {
              Runner runner =
                  new Runner(
                      new Runner.Ports(
                          null,
                          RunnerSetup.NO_SECRETS,
                          steps,
                          JobLogs.IN_PLACE,
                          r -> {},
                          commit -> {
                            throw new IOException("the build job looks up no commit");
                          },
                          directory,
                          new S3HandOff(confined, bucket),
                          Runner.Recovery.NONE),
                      Clock.systemUTC(),
                      out);
              result =
                  runner.runSteps(
                      new RunnerJob(
                          JobKind.STEPS, request.parameters().get("run"), null, null, null),
                      StepsJob.fromEnvironment(request.environment()));
            }
            int code = result.outcome().exitCode();
            return code == 0
                ? new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, log, "job succeeded")
                : new JobResult(
                    JobResult.Outcome.FAILED,
                    null,
                    code,
                    log,
                    "Batch job " + spec.id() + " failed with exit code " + code);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Override
  public void cancel(String jobId) {
    steps.cancel(jobId + "-steps");
  }

  /** The container's output, as Batch's log stream: into the log file and to the reader. */
  private static PrintStream lines(Path log, JobOutput output) throws IOException {
    OutputStream file = Files.newOutputStream(log);
    return new PrintStream(
        new OutputStream() {
          private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

          @Override
          public void write(int b) throws IOException {
            file.write(b);
            if (b == '\n') {
              output.line("build", line.toString(StandardCharsets.UTF_8));
              line.reset();
            } else {
              line.write(b);
            }
          }

          @Override
          public void close() throws IOException {
            if (line.size() > 0) {
              output.line("build", line.toString(StandardCharsets.UTF_8));
            }
            file.close();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  /** The build role's policy on the artifact bucket, as an interceptor. */
  private final class BuildRole implements ExecutionInterceptor {
    @Override
    public void beforeExecution(
        Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
      Object request = context.request();
      String refusal = null;
      if (request instanceof GetObjectRequest get) {
        if (!get.key().startsWith(prefix + BuildHandOff.SOURCES)) {
          refusal = "s3:GetObject " + get.key();
        }
      } else if (request instanceof PutObjectRequest put) {
        if (!put.key().startsWith(prefix + BuildHandOff.UPLOADS)) {
          refusal = "s3:PutObject " + put.key();
        }
      } else if (request instanceof DeleteObjectRequest delete) {
        refusal = "s3:DeleteObject " + delete.key();
      } else {
        refusal = request.getClass().getSimpleName();
      }
      if (refusal != null) {
        refused.add(refusal);
        throw S3Exception.builder()
            .statusCode(403)
            .message("AccessDenied (the build role): " + refusal)
            .build();
      }
    }
  }
}
