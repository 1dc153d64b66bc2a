package dev.cairn.pipeline.compile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.json.Json;
import java.util.List;

/**
 * Compiles a pipeline into the Amazon States Language state machine that runs one commit through
 * it: validate, build, then for each environment in promotion order queue, plan, apply, verify and
 * record, with Catch → rollback. Resources are real AWS ARNs (Lambda invoke for small functions,
 * Batch {@code submitJob.sync} for jobs), mapped to local handlers by Cairn's engine, so the same
 * JSON runs on AWS Step Functions.
 *
 * <p>The execution input is {@code {"run": {...}}}: the run's id, commit, tree and trigger. Every
 * task receives the run and the environment it works on; what a step needs from an earlier one (the
 * artifact, the previous release) is looked up by run id, so the data flow is the same on both
 * engines.
 */
public final class PipelineCompiler {
  /** Lambda invoke: small, quick functions. */
  public static final String LAMBDA = "arn:aws:states:::lambda:invoke";

  /** Lambda invoke that waits for its task token: the per-environment deploy queue. */
  public static final String LAMBDA_WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken";

  /** Batch job, waited for: build, apply, verify, rollback. */
  public static final String BATCH = "arn:aws:states:::batch:submitJob.sync";

  /** Function names, as deployed on AWS and mapped to local handlers. */
  public static final String VALIDATE = "cairn-validate";

  public static final String QUEUE = "cairn-queue";
  public static final String PLAN = "cairn-plan";
  public static final String RECORD = "cairn-record";

  /** Batch job names. */
  public static final String BUILD_JOB = "build";

  public static final String APPLY_JOB = "apply";
  public static final String VERIFY_JOB = "verify";
  public static final String ROLLBACK_JOB = "rollback";

  /** Errors the pipeline's tasks raise, by how the pipeline reacts. */
  public static final String ERROR_TRANSIENT = "Cairn.Transient";

  public static final String ERROR_SUPERSEDED = "Cairn.Superseded";
  public static final String ERROR_SKIPPED = "Cairn.Skipped";

  /** The deploy queue itself failed (not a decision about the commit); the run fails. */
  public static final String ERROR_QUEUE_FAILED = "Cairn.QueueFailed";

  private PipelineCompiler() {}

  /**
   * The state machine for a pipeline, with the local resource names ({@link CompileTarget#LOCAL}).
   */
  public static ObjectNode compile(PipelineDefinition pipeline) {
    return compile(pipeline, CompileTarget.LOCAL);
  }

  /**
   * The state machine for a pipeline, calling the resources {@code target} names: the same states
   * as {@link #compile(PipelineDefinition)}, only the job queue, job definition and function names
   * differ.
   */
  public static ObjectNode compile(PipelineDefinition pipeline, CompileTarget target) {
    ObjectNode machine = Json.object();
    machine.put(
        "Comment",
        "Cairn pipeline '"
            + pipeline.name()
            + "': build and deploy one commit, roll back on failure");
    machine.put("StartAt", "Validate");
    ObjectNode states = machine.putObject("States");

    List<EnvironmentSpec> environments = pipeline.environments();
    String firstDeploy = environments.isEmpty() ? "Done" : queueState(environments.get(0));

    ObjectNode validate =
        lambda(states, "Validate", target.validateFunction(), null, "$.validation");
    catchAll(validate, "Record build failed");
    validate.put("Next", "Build");

    ObjectNode build = batch(states, target, "Build", BUILD_JOB, null, "$.build");
    catchAll(build, "Record build failed");
    build.put("Next", firstDeploy);

    ObjectNode buildFailed =
        lambda(states, "Record build failed", target.recordFunction(), null, "$.record");
    buildFailed.with("Parameters").with("Payload").put("outcome", "build-failed");
    // The audit record of a failed build says why.
    buildFailed.with("Parameters").with("Payload").put("error.$", "$.error");
    buildFailed.put("Next", "Build failed");
    ObjectNode failed = states.putObject("Build failed");
    failed.put("Type", "Fail");
    // The record function answers with the build's own reason (Cairn.InvalidPipeline for an
    // invalid pipeline file, Cairn.BuildFailed for a failed step): the run ends with the name its
    // record, its status and the API show, on both engines (on AWS the Batch job's error is only
    // States.TaskFailed).
    failed.put("ErrorPath", "$.record.result.error");
    failed.put("CausePath", "$.record.result.cause");

    for (int i = 0; i < environments.size(); i++) {
      EnvironmentSpec environment = environments.get(i);
      String next = i + 1 < environments.size() ? queueState(environments.get(i + 1)) : "Done";
      addEnvironment(states, target, environment.name(), next);
    }

    ObjectNode done = states.putObject("Done");
    done.put("Type", "Succeed");
    return machine;
  }

  private static String queueState(EnvironmentSpec environment) {
    return environment.name() + ": queue";
  }

  private static void addEnvironment(
      ObjectNode states, CompileTarget target, String environment, String next) {
    String queue = environment + ": queue";
    String plan = environment + ": plan";
    String apply = environment + ": apply";
    String verify = environment + ": verify";
    String recordDeployed = environment + ": record deployed";
    String rollback = environment + ": rollback";
    String recordRolledBack = environment + ": record rolled back";
    String rolledBack = environment + ": rolled back";
    String recordSkipped = environment + ": record skipped";
    String queueBroken = environment + ": queue failed";

    ObjectNode queueState = lambda(states, queue, target.queueFunction(), environment, "$.queue");
    queueState.put("Resource", LAMBDA_WAIT);
    queueState.with("Parameters").with("Payload").put("token.$", "$$.Task.Token");
    // The result is what the queue reports with the token, not Lambda's envelope.
    queueState.remove("ResultSelector");
    ArrayNode queueCatch = queueState.putArray("Catch");
    ObjectNode skipped = queueCatch.addObject();
    skipped.putArray("ErrorEquals").add(ERROR_SUPERSEDED).add(ERROR_SKIPPED);
    skipped.put("ResultPath", "$.skipped");
    skipped.put("Next", recordSkipped);
    ObjectNode queueFailed = queueCatch.addObject();
    queueFailed.putArray("ErrorEquals").add("States.ALL");
    queueFailed.put("ResultPath", "$.error");
    // Not a skip: the queue itself failed (e.g. its function is broken), so nothing was decided
    // about this commit. The run fails visibly instead of recording a skip it never had.
    queueFailed.put("Next", queueBroken);
    queueState.put("Next", plan);

    ObjectNode planState = lambda(states, plan, target.planFunction(), environment, "$.plan");
    catchAll(planState, rollback);
    planState.put("Next", apply);

    ObjectNode applyState = batch(states, target, apply, APPLY_JOB, environment, "$.apply");
    catchAll(applyState, rollback);
    applyState.put("Next", verify);

    ObjectNode verifyState = batch(states, target, verify, VERIFY_JOB, environment, "$.verify");
    catchAll(verifyState, rollback);
    verifyState.put("Next", recordDeployed);

    ObjectNode deployed =
        lambda(states, recordDeployed, target.recordFunction(), environment, "$.record");
    deployed.with("Parameters").with("Payload").put("outcome", "deployed");
    deployed.put("Next", next);

    ObjectNode rollbackState =
        batch(states, target, rollback, ROLLBACK_JOB, environment, "$.rollback");
    // Batch job parameters are strings: the error that caused the rollback travels as JSON text.
    rollbackState
        .with("Parameters")
        .with("Parameters")
        .put("reason.$", "States.JsonToString($.error)");
    // A rollback is never given up: it is retried on any error, with back-off.
    ArrayNode retry = rollbackState.putArray("Retry");
    ObjectNode retrier = retry.addObject();
    retrier.putArray("ErrorEquals").add("States.ALL");
    retrier.put("IntervalSeconds", 1);
    retrier.put("MaxAttempts", 5);
    retrier.put("BackoffRate", 2.0);
    rollbackState.put("Next", recordRolledBack);

    ObjectNode rolledBackRecord =
        lambda(states, recordRolledBack, target.recordFunction(), environment, "$.record");
    rolledBackRecord.with("Parameters").with("Payload").put("outcome", "rolled-back");
    rolledBackRecord.with("Parameters").with("Payload").put("error.$", "$.error");
    rolledBackRecord.put("Next", rolledBack);

    ObjectNode fail = states.putObject(rolledBack);
    fail.put("Type", "Fail");
    fail.put("Error", "Cairn.RolledBack");
    fail.put("Cause", "The release failed in " + environment + " and was rolled back.");

    ObjectNode queueFail = states.putObject(queueBroken);
    queueFail.put("Type", "Fail");
    queueFail.put("Error", ERROR_QUEUE_FAILED);
    queueFail.put("Cause", "The deploy queue of " + environment + " failed; nothing was deployed.");

    ObjectNode skippedRecord =
        lambda(states, recordSkipped, target.recordFunction(), environment, "$.record");
    skippedRecord.with("Parameters").with("Payload").put("outcome", "skipped");
    skippedRecord.with("Parameters").with("Payload").put("skipped.$", "$.skipped");
    skippedRecord.put("Next", "Done");
  }

  private static ObjectNode lambda(
      ObjectNode states, String name, String function, String environment, String resultPath) {
    ObjectNode state = states.putObject(name);
    state.put("Type", "Task");
    state.put("Resource", LAMBDA);
    ObjectNode parameters = state.putObject("Parameters");
    parameters.put("FunctionName", function);
    ObjectNode payload = parameters.putObject("Payload");
    payload.put("run.$", "$.run");
    if (environment != null) {
      payload.put("environment", environment);
    }
    state.putObject("ResultSelector").put("result.$", "$.Payload");
    state.put("ResultPath", resultPath);
    transientRetry(state);
    return state;
  }

  private static ObjectNode batch(
      ObjectNode states,
      CompileTarget target,
      String name,
      String job,
      String environment,
      String resultPath) {
    ObjectNode state = states.putObject(name);
    state.put("Type", "Task");
    state.put("Resource", BATCH);
    ObjectNode parameters = state.putObject("Parameters");
    parameters.put("JobName", "cairn-" + job);
    parameters.put("JobQueue", target.jobQueue());
    parameters.put("JobDefinition", target.jobDefinition());
    ObjectNode jobParameters = parameters.putObject("Parameters");
    jobParameters.put("job", job);
    jobParameters.put("run.$", "$.run.id");
    jobParameters.put("environment", environment == null ? "" : environment);
    state.putObject("ResultSelector").put("status.$", "$.Status");
    state.put("ResultPath", resultPath);
    transientRetry(state);
    return state;
  }

  private static void transientRetry(ObjectNode state) {
    ObjectNode retrier = state.putArray("Retry").addObject();
    retrier.putArray("ErrorEquals").add(ERROR_TRANSIENT);
    retrier.put("IntervalSeconds", 1);
    retrier.put("MaxAttempts", 3);
    retrier.put("BackoffRate", 2.0);
  }

  private static void catchAll(ObjectNode state, String next) {
    ObjectNode catcher = state.putArray("Catch").addObject();
    catcher.putArray("ErrorEquals").add("States.ALL");
    catcher.put("ResultPath", "$.error");
    catcher.put("Next", next);
  }
}
