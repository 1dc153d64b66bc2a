/** The state machine's {@code cairn-plan} function. */
package dev.cairn.aws.lambda.plan;
