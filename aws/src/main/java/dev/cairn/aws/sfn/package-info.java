/**
 * Executions of the pipeline's state machine on AWS Step Functions: {@link
 * dev.cairn.aws.sfn.StepFunctionsExecutionControl}.
 */
package dev.cairn.aws.sfn;
