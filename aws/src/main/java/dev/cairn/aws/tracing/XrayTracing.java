package dev.cairn.aws.tracing;

import dev.cairn.telemetry.tracing.Tracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;

/**
 * The X-Ray specifics of Cairn's tracing on AWS, on top of the shared {@link Tracing} builder:
 * X-Ray trace ids ({@link XrayIdGenerator}) and the X-Ray propagator ({@link XrayPropagator}: the
 * {@code X-Amzn-Trace-Id} header Lambda, Step Functions and the load balancer pass on) next to W3C
 * trace context. Spans go to the exporter the process that owns the SDK wires (the runner, a Lambda
 * function): in AWS, OTLP ({@link Tracing#otlpExporter}) to the ADOT collector or X-Ray's OTLP
 * endpoint.
 */
public final class XrayTracing {
  private XrayTracing() {}

  /** The propagator: X-Ray's header first, W3C trace context second. */
  public static TextMapPropagator propagator() {
    return TextMapPropagator.composite(
        XrayPropagator.getInstance(), W3CTraceContextPropagator.getInstance());
  }

  /** A builder with X-Ray's ids and header; the service name and the exporter are required. */
  public static Tracing.Builder builder() {
    return builder(Clock.systemUTC());
  }

  /** A builder whose trace ids take their time from {@code clock} (for tests). */
  public static Tracing.Builder builder(Clock clock) {
    return Tracing.builder().idGenerator(new XrayIdGenerator(clock)).propagator(propagator());
  }
}
