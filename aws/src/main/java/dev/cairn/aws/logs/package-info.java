/** CloudWatch Logs as the AWS jobs' output: {@link dev.cairn.aws.logs.LogStreamTail}. */
package dev.cairn.aws.logs;
