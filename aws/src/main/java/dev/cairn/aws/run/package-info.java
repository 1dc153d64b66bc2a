/**
 * A run's facts kept in S3, which the Lambda functions and the runner's jobs read and write to pass
 * data between the state machine's states.
 */
package dev.cairn.aws.run;
