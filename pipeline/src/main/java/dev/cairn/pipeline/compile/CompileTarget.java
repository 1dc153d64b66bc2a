package dev.cairn.pipeline.compile;

import java.util.Objects;

/**
 * The names the compiled state machine uses for the resources its tasks call: the Batch job queue
 * and job definition, and the Lambda functions. Only names change with the target; the states,
 * their order, retries and catches are the same, so the machine that runs on AWS Step Functions is
 * the machine Cairn's engine runs locally.
 *
 * <p>{@link #LOCAL} holds the names Cairn's engine maps to its local handlers. On AWS the names are
 * the deployed resources' ARNs (or CloudFormation substitution placeholders that resolve to them).
 *
 * @param jobQueue the Batch job queue (name or ARN)
 * @param jobDefinition the Batch job definition of the runner (name or ARN)
 * @param validateFunction the function that validates the commit's pipeline file
 * @param queueFunction the per-environment deploy queue (called with a task token)
 * @param planFunction the function that plans a release (and looks up the last good one)
 * @param recordFunction the function that records outcomes in the audit trail
 */
public record CompileTarget(
    String jobQueue,
    String jobDefinition,
    String validateFunction,
    String queueFunction,
    String planFunction,
    String recordFunction) {

  /** The names Cairn's local engine runs: what {@link PipelineCompiler#compile} uses. */
  public static final CompileTarget LOCAL =
      new CompileTarget(
          "cairn",
          "cairn-runner",
          PipelineCompiler.VALIDATE,
          PipelineCompiler.QUEUE,
          PipelineCompiler.PLAN,
          PipelineCompiler.RECORD);

  /** Every name is required: a blank one would compile to a machine that cannot start. */
  public CompileTarget {
    require(jobQueue, "jobQueue");
    require(jobDefinition, "jobDefinition");
    require(validateFunction, "validateFunction");
    require(queueFunction, "queueFunction");
    require(planFunction, "planFunction");
    require(recordFunction, "recordFunction");
  }

  private static void require(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  /** A builder starting from the local names. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a target; unset names keep their {@link #LOCAL} value. */
  public static final class Builder {
    private String jobQueue = LOCAL.jobQueue;
    private String jobDefinition = LOCAL.jobDefinition;
    private String validateFunction = LOCAL.validateFunction;
    private String queueFunction = LOCAL.queueFunction;
    private String planFunction = LOCAL.planFunction;
    private String recordFunction = LOCAL.recordFunction;

    private Builder() {}

    /** The Batch job queue. */
    public Builder jobQueue(String value) {
      this.jobQueue = value;
      return this;
    }

    /** The Batch job definition of the runner. */
    public Builder jobDefinition(String value) {
      this.jobDefinition = value;
      return this;
    }

    /** The validate function. */
    public Builder validateFunction(String value) {
      this.validateFunction = value;
      return this;
    }

    /** The deploy-queue function. */
    public Builder queueFunction(String value) {
      this.queueFunction = value;
      return this;
    }

    /** The plan function. */
    public Builder planFunction(String value) {
      this.planFunction = value;
      return this;
    }

    /** The record (audit) function. */
    public Builder recordFunction(String value) {
      this.recordFunction = value;
      return this;
    }

    /** The target. */
    public CompileTarget build() {
      return new CompileTarget(
          jobQueue, jobDefinition, validateFunction, queueFunction, planFunction, recordFunction);
    }
  }
}
