/** Status messages on Amazon SQS: {@link dev.cairn.aws.sqs.SqsStatusPublisher}. */
package dev.cairn.aws.sqs;
