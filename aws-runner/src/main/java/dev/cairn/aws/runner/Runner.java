package dev.cairn.aws.runner;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.RemoteWork;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.runtime.CairnError;
import dev.cairn.pipeline.runtime.JobLogs;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.StepFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * {@code cairn runner JOB}: one job of one run in a Batch container — a shell over the {@link
 * PipelineRuntime} the local loop uses too. It reads the job, calls the runtime's step, and turns
 * the outcome into a {@link RunnerResult}: the process's exit code (0, 1, or 3 for Batch to retry)
 * and a JSON object kept in the bucket. What later jobs need travels in the run's facts (S3).
 *
 * <p>{@link #run} never throws for a failing job. Besides the pipeline's steps it runs {@link
 * JobKind#STEPS} jobs: the plain steps {@code BatchJobExecutor} hands over.
 */
public final class Runner {
  /**
   * What a runner works with besides the runtime.
   *
   * @param runtime the pipeline's steps over the AWS adapters
   * @param secrets the application's secrets (a steps job's secret variables)
   * @param jobs runs a steps job's steps
   * @param logs keeps job logs (S3)
   * @param results keeps each job's result (S3, {@code runs/<run>/results/<job>.json})
   * @param trees the git tree of a commit (a run started by hand names only its commit)
   * @param work the job's scratch directory (the container's disk)
   * @param handOff the artifact bucket's hand-off objects, for a build job handed over by the
   *     privileged runner ({@link StepsJob.HandOff}); null where none is expected
   * @param recovery brings the environments' states up to date with the audit trail at the end of
   *     each build job ({@link Recovery#NONE} in the unprivileged build job, which has no trail to
   *     read)
   */
  public record Ports(
      PipelineRuntime runtime,
      SecretStore secrets,
      JobExecutor jobs,
      JobLogs logs,
      ResultSink results,
      TreeLookup trees,
      Path work,
      S3HandOff handOff,
      Recovery recovery) {
    /**
     * Requires every port but the runtime (null in the unprivileged build job, which runs only
     * steps) and the hand-off.
     */
    public Ports {
      Objects.requireNonNull(secrets, "secrets");
      Objects.requireNonNull(jobs, "jobs");
      Objects.requireNonNull(logs, "logs");
      Objects.requireNonNull(results, "results");
      Objects.requireNonNull(trees, "trees");
      Objects.requireNonNull(work, "work");
      Objects.requireNonNull(recovery, "recovery");
    }

    /** The privileged runner's ports: the runtime and the trail's recovery, no hand-off. */
    public Ports(
        PipelineRuntime runtime,
        SecretStore secrets,
        JobExecutor jobs,
        JobLogs logs,
        ResultSink results,
        TreeLookup trees,
        Path work,
        Recovery recovery) {
      this(
          Objects.requireNonNull(runtime, "runtime"),
          secrets,
          jobs,
          logs,
          results,
          trees,
          work,
          null,
          recovery);
    }
  }

  /**
   * Brings the environments' states in the bucket up to date with the audit trail: seeds a lost
   * one, adds the bad marks a stale one lacks ({@code TrailLastGood.recover}). The deploy queue
   * decides from those states alone, without the git token; the privileged runner holds the token
   * anyway, so it reads the trail, once per run, at the end of the build job that precedes every
   * queue (a build retried reuses the artifact of its tree).
   */
  @FunctionalInterface
  public interface Recovery {
    /**
     * Recovers.
     *
     * @return the environments whose states changed
     * @throws IOException when the trail cannot be read (the build job is retried: a run never
     *     reaches the queue with states the trail could not be compared with)
     */
    List<String> recover() throws IOException;

    /** No trail to read (the unprivileged build job; tests of single jobs). */
    Recovery NONE = List::of;
  }

  /** Keeps a job's result where the state machine and people find it. */
  @FunctionalInterface
  public interface ResultSink {
    /** Keeps {@code result} as the result of {@code result.job()} in {@code result.run()}. */
    void keep(RunnerResult result);
  }

  /** The git tree of a commit. */
  @FunctionalInterface
  public interface TreeLookup {
    /** The tree id of {@code commit}. */
    String treeOf(String commit) throws IOException;
  }

  private final Ports ports;
  private final Clock clock;
  private final PrintStream out;
  private final List<RemoteWork> remoteWork;

  /**
   * A runner that starts nothing outside its container.
   *
   * @param out where step output is printed (Batch sends stdout to CloudWatch Logs)
   */
  public Runner(Ports ports, Clock clock, PrintStream out) {
    this(ports, clock, out, List.of());
  }

  /**
   * A runner.
   *
   * @param out where step output is printed (Batch sends stdout to CloudWatch Logs)
   * @param remoteWork what starts work outside the container (the build job's Batch jobs, the image
   *     builds), stopped by {@link #stopRemoteWork} when the runner is terminated
   */
  public Runner(Ports ports, Clock clock, PrintStream out, List<RemoteWork> remoteWork) {
    this.ports = ports;
    this.clock = clock;
    this.out = out;
    this.remoteWork = List.copyOf(remoteWork);
  }

  /**
   * Stops the work this runner started outside its container that has not ended, and prints what it
   * stopped. For the shutdown hook of {@code cairn runner}: when Batch terminates the runner (its
   * state timed out, the execution was stopped), the build job and the image build it was following
   * must not run on without it. Never throws.
   */
  public void stopRemoteWork() {
    for (RemoteWork work : remoteWork) {
      try {
        work.stopAll().forEach(line -> out.println("[terminated] " + line));
      } catch (RuntimeException e) {
        out.println("[terminated] could not stop remote work: " + e.getMessage());
      }
    }
    out.flush();
  }

  /** Runs the job, keeps its result and returns it. */
  public RunnerResult run(RunnerJob job) {
    return keep(
        job,
        () -> {
          PipelineRuntime runtime = ports.runtime();
          if (runtime == null) {
            throw new StepFailure(
                CairnError.INVALID_JOB,
                "this job definition runs only build steps (the unprivileged build job), not "
                    + job.kind().wireName());
          }
          String artifact = null;
          switch (job.kind()) {
            case BUILD -> {
              ensureFacts(job);
              artifact = runtime.build(job.run());
              // After the build, whose checkout from the same host already told a refused token
              // (needs a person) from an unreachable host (retried); before the queue, the next
              // state, which decides from the states alone.
              for (String environment : ports.recovery().recover()) {
                out.println(
                    "[recovered " + environment + "] its state brought up to date from the trail");
              }
            }
            case PLAN -> runtime.plan(job.run(), job.environment());
            case APPLY -> runtime.apply(job.run(), job.environment());
            case VERIFY -> runtime.verify(job.run(), job.environment());
            case ROLLBACK -> runtime.rollback(job.run(), job.environment(), job.reason());
            case DESTROY -> runtime.destroy(job.run(), job.environment());
            case STEPS ->
                throw new StepFailure(
                    CairnError.INVALID_JOB, "a steps job needs its steps: run it with runSteps");
          }
          if (artifact == null) {
            artifact =
                ports.runtime().ports().runs().find(job.run()).map(RunFacts::artifact).orElse(null);
          }
          return RunnerResult.succeeded(job, artifact, null);
        });
  }

  /**
   * Runs a {@link JobKind#STEPS} job: the steps in order, in the job's scratch directory, with the
   * job's variables and its secret variables filled from the {@link SecretStore} (each from the
   * secret of the same name), secrets masked in the printed output and the kept log; stops at the
   * first failing step. Keeps the result and returns it.
   *
   * @throws IllegalArgumentException when {@code job} is not a steps job
   */
  public RunnerResult runSteps(RunnerJob job, StepsJob steps) {
    if (job.kind() != JobKind.STEPS) {
      throw new IllegalArgumentException("runSteps runs steps jobs, not " + job.kind().wireName());
    }
    RunnerResult result = keep(job, () -> steps(job, steps));
    if (steps.handOff() != null && steps.handOff().resultKey() != null) {
      // The privileged runner reads why the build failed from here: this job's role may write
      // nothing else of the run's.
      new BuildHandOffs(handOff(), out).report(steps.handOff().resultKey(), result, ports.work());
    }
    return result;
  }

  /** A run started by hand ({@code cairn runner build --commit}) has no facts yet: make them. */
  private void ensureFacts(RunnerJob job) throws IOException {
    if (job.commit() == null || ports.runtime().ports().runs().find(job.run()).isPresent()) {
      return;
    }
    ports
        .runtime()
        .started(
            RunFacts.submitted(
                job.run(),
                job.commit(),
                ports.trees().treeOf(job.commit()),
                null,
                RunFacts.Trigger.MANUAL,
                null,
                null,
                0,
                clock.instant()));
    ports.runtime().validate(job.run());
  }

  /** One job's work. */
  @FunctionalInterface
  private interface Work {
    RunnerResult run() throws IOException;
  }

  private RunnerResult keep(RunnerJob job, Work work) {
    RunnerResult result;
    try {
      try {
        result = work.run();
      } catch (CompletionException e) {
        // A job executor's future failed (the build job could not be submitted or followed, the
        // hand-off could not be stored): judged by its cause, like the step's own failures.
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        if (e.getCause() instanceof IOException cause) {
          throw cause;
        }
        throw e;
      }
    } catch (StepFailure failure) {
      result =
          failed(
              job,
              failure.kind() == CairnError.TRANSIENT
                  ? RunnerResult.Outcome.RETRYABLE
                  : RunnerResult.Outcome.FAILED,
              failure.error(),
              failure.cause());
    } catch (AwsException e) {
      result =
          failed(
              job,
              e.retryable() ? RunnerResult.Outcome.RETRYABLE : RunnerResult.Outcome.FAILED,
              CairnError.AWS_FAILED.errorName(),
              e.getMessage());
    } catch (NoSuchElementException e) {
      result =
          failed(
              job,
              RunnerResult.Outcome.FAILED,
              CairnError.INVALID_JOB.errorName(),
              e.getMessage() + ": it has not been built");
    } catch (IOException | UncheckedIOException e) {
      result =
          failed(
              job,
              RunnerResult.Outcome.RETRYABLE,
              CairnError.TRANSIENT.errorName(),
              e.getMessage());
    }
    ports.results().keep(result);
    return result;
  }

  private static RunnerResult failed(
      RunnerJob job, RunnerResult.Outcome outcome, String error, String cause) {
    return new RunnerResult(job.fileName(), job.run(), outcome, error, cause, null, null);
  }

  private RunnerResult steps(RunnerJob job, StepsJob steps) throws IOException {
    Set<String> masked = new HashSet<>();
    Map<String, String> env = new HashMap<>(steps.env());
    for (String variable : steps.secretVariables()) {
      String value =
          ports
              .secrets()
              .get(variable)
              .orElseThrow(
                  () ->
                      new StepFailure(
                          CairnError.MISSING_SECRET,
                          "the secret '"
                              + variable
                              + "' (for the variable of that name) is not set in Secrets"
                              + " Manager"));
      masked.add(value);
      env.put(variable, value);
    }
    Path jobDirectory = ports.work().resolve("jobs").resolve(job.run()).resolve(job.fileName());
    Path workspace = jobDirectory.resolve("work");
    BuildHandOffs handOffs = steps.handOff() == null ? null : new BuildHandOffs(handOff(), out);
    if (handOffs != null) {
      // The privileged runner checked the commit out: start from its copy, with the secret
      // variables its build.env resolved (this job's role reads no secrets itself).
      Map<String, String> handed = handOffs.receive(steps.handOff(), jobDirectory, workspace);
      masked.addAll(handed.values());
      env.putAll(handed);
    } else {
      Files.createDirectories(workspace);
    }
    JobResult result =
        ports
            .jobs()
            .run(
                new JobSpec(
                    job.run() + "-steps", workspace, steps.steps(), env, null, true, masked),
                (step, line) -> out.println("[" + step + "] " + line))
            .join();
    String log = ports.logs().keep(job.run(), job.fileName() + ".log", result.log());
    if (result.outcome() != JobResult.Outcome.SUCCEEDED) {
      return new RunnerResult(
          job.fileName(),
          job.run(),
          RunnerResult.Outcome.FAILED,
          CairnError.STEP_FAILED.errorName(),
          result.message(),
          null,
          log);
    }
    if (handOffs != null && steps.handOff().uploadKey() != null) {
      String refused = handOffs.send(steps.handOff(), jobDirectory, workspace);
      if (refused != null) {
        return new RunnerResult(
            job.fileName(),
            job.run(),
            RunnerResult.Outcome.FAILED,
            CairnError.BUILD_FAILED.errorName(),
            refused,
            null,
            log);
      }
    }
    return RunnerResult.succeeded(job, null, log);
  }

  private S3HandOff handOff() {
    if (ports.handOff() == null) {
      throw new StepFailure(
          CairnError.INVALID_JOB, "this runner was given a build hand-off it cannot read");
    }
    return ports.handOff();
  }
}
