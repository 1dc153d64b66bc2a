/**
 * Traces for AWS X-Ray: {@link dev.cairn.aws.tracing.XrayTracing} configures the shared tracing
 * ({@code dev.cairn.telemetry.tracing}) with the X-Ray trace id format ({@link
 * dev.cairn.aws.tracing.XrayIdGenerator}) and header ({@link
 * dev.cairn.aws.tracing.XrayPropagator}).
 */
package dev.cairn.aws.tracing;
