/**
 * The pipeline's ports on AWS, through the AWS SDK for Java v2: artifacts on S3, secrets in Secrets
 * Manager, status messages on SQS, jobs on Batch, executions on Step Functions, deployments by
 * CloudFormation change sets, traces to X-Ray. See {@code docs/aws.md}, section "Adapters".
 */
package dev.cairn.aws;
