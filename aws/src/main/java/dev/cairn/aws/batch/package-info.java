/**
 * Jobs on AWS Batch (Fargate), logs from CloudWatch Logs: {@link
 * dev.cairn.aws.batch.BatchJobExecutor}.
 */
package dev.cairn.aws.batch;
