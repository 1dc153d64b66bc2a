/**
 * Traces with OpenTelemetry: {@link dev.cairn.telemetry.tracing.Tracing} builds the SDK (OTLP
 * export), {@link dev.cairn.telemetry.tracing.RunTracer} makes one trace per run with a span per
 * state of its execution. The AWS runtime adds X-Ray's ids and header ({@code
 * dev.cairn.aws.tracing}).
 */
package dev.cairn.telemetry.tracing;
