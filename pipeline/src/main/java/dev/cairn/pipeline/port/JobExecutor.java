package dev.cairn.pipeline.port;

import java.util.concurrent.CompletableFuture;

/**
 * Runs a job's steps in a sandbox. The local adapter uses bubblewrap and cgroups where the machine
 * allows (plain processes with a warning otherwise); on AWS, Batch on Fargate.
 */
public interface JobExecutor {
  /**
   * Starts a job.
   *
   * @param output receives every line the steps print, as they print it, with secrets masked
   * @return completes when the job ends (never exceptionally for a failing step: that is a {@link
   *     JobResult} with outcome FAILED)
   */
  CompletableFuture<JobResult> run(JobSpec job, JobOutput output);

  /** Stops a running job (its processes are killed); does nothing if it has ended. */
  void cancel(String jobId);
}
