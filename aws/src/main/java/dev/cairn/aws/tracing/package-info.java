/**
 * Traces for AWS X-Ray through OpenTelemetry: {@link dev.cairn.aws.tracing.Tracing} and the X-Ray
 * trace id format ({@link dev.cairn.aws.tracing.XrayIdGenerator}).
 */
package dev.cairn.aws.tracing;
