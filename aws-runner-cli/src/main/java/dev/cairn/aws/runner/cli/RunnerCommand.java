package dev.cairn.aws.runner.cli;

import dev.cairn.aws.runner.JobKind;
import dev.cairn.aws.runner.Runner;
import dev.cairn.aws.runner.RunnerJob;
import dev.cairn.aws.runner.RunnerResult;
import dev.cairn.aws.runner.RunnerSetup;
import dev.cairn.aws.runner.StepsJob;
import dev.cairn.cli.CairnVersion;
import dev.cairn.cli.ErrorHandler;
import dev.cairn.cli.UserInputException;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn runner JOB --run ID [--environment ENV] [--commit SHA] [--reason JSON]}: the AWS
 * runner image's entrypoint, started by AWS Batch for the state machine's Batch tasks (through
 * {@link #main}; the launcher runs it for {@code ./cairn runner}). Configured by environment
 * variables (docs/aws.md, "Runner"); exit codes in docs/cli.md.
 */
@Command(
    name = "cairn runner",
    mixinStandardHelpOptions = true,
    versionProvider = CairnVersion.class,
    description = {
      "Run one job of a run on AWS (the runner image's entrypoint, started by AWS Batch).",
      // One element per paragraph: picocli starts each on a new line and wraps it.
      "JOB is build, plan, apply, verify, rollback, destroy or steps (the steps in"
          + " $CAIRN_JOB_STEPS, secret variables named in $CAIRN_SECRET_ENV filled from Secrets"
          + " Manager: what BatchJobExecutor submits). The result is written to"
          + " s3://$CAIRN_ARTIFACT_BUCKET/runs/RUN/results/JOB[-ENV].json and printed as JSON.",
      "Exit codes: 0 succeeded, 1 the job failed (not retried), 2 bad arguments or"
          + " configuration, 3 AWS or the git host unavailable (the job definition retries it)."
    })
public final class RunnerCommand implements Callable<Integer> {
  /** The runner's jobs and process releases run as on one machine, by the local adapter. */
  static final RunnerSetup.Machine MACHINE =
      new RunnerSetup.Machine(
          logs -> new LocalJobExecutor(LocalJobExecutor.Options.builder(logs).build()),
          ProcessDeployer::new);

  /** Runs {@code cairn runner} with the arguments after {@code runner} and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code cairn runner} and returns its exit code; used by tests. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new RunnerCommand());
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    return commandLine.execute(args);
  }

  @Parameters(index = "0", paramLabel = "JOB", description = "The job to run.")
  String job;

  @Option(names = "--run", required = true, description = "The run's id (the execution's run.id).")
  String run;

  @Option(
      names = "--environment",
      description = "The environment (every job but build); empty means none.")
  String environment;

  @Option(
      names = "--commit",
      description = "The commit; by default the one recorded for the run in S3.")
  String commit;

  @Option(names = "--reason", description = "For rollback: the error that caused it (JSON).")
  String reason;

  @Override
  public Integer call() throws IOException {
    JobKind kind =
        JobKind.fromWireName(job)
            .orElseThrow(
                () ->
                    new UserInputException(
                        "unknown job '"
                            + job
                            + "': use one of "
                            + Arrays.stream(JobKind.values())
                                .map(JobKind::wireName)
                                .collect(Collectors.joining(", "))));
    RunnerJob runnerJob;
    StepsJob steps = null;
    try {
      runnerJob = new RunnerJob(kind, run, environment, commit, reason);
      if (kind == JobKind.STEPS) {
        // Read before any AWS client is made: a malformed job is a person's to fix (exit 2).
        steps = StepsJob.fromEnvironment(System.getenv());
      }
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    Runner runner;
    try {
      runner = RunnerSetup.fromEnvironment(System.getenv(), System.out, MACHINE);
    } catch (IllegalStateException e) {
      throw new UserInputException(e.getMessage());
    }
    // Batch terminates a runner with SIGTERM (its state timed out, the execution was stopped): the
    // build job and the image build it follows are stopped with it, not left running until their
    // own time-outs. After a normal end nothing is in progress and the hook does nothing.
    Thread stopRemoteWork = new Thread(runner::stopRemoteWork, "cairn-runner-stop-remote-work");
    Runtime.getRuntime().addShutdownHook(stopRemoteWork);
    RunnerResult result = steps == null ? runner.run(runnerJob) : runner.runSteps(runnerJob, steps);
    System.out.println(Json.write(result.toJsonNode()));
    if (result.cause() != null && result.outcome() != RunnerResult.Outcome.SUCCEEDED) {
      System.err.println("cairn: " + result.error() + ": " + result.cause());
    }
    return result.outcome().exitCode();
  }
}
