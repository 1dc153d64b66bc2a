/**
 * The job runner of Cairn's AWS runtime: {@code cairn runner JOB}, the entrypoint of the runner
 * image that AWS Batch starts for the state machine's Batch tasks. {@link
 * dev.cairn.aws.runner.Runner} does the work through the pipeline's ports (artifacts, secrets,
 * status, jobs, deployer), so the same job logic runs against S3, Secrets Manager and SQS on AWS
 * and against their emulators in tests.
 */
package dev.cairn.aws.runner;
