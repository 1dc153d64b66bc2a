package dev.cairn.aws.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Clock;
import java.util.Objects;

/**
 * Builds the OpenTelemetry SDK Cairn's AWS parts trace with: X-Ray trace ids ({@link
 * XrayIdGenerator}), the X-Ray propagator ({@link XrayPropagator}: the {@code X-Amzn-Trace-Id}
 * header Lambda, Step Functions and the load balancer pass on) next to W3C trace context, and the
 * service name as a resource attribute. Spans go to the given exporter — in AWS, an OTLP exporter
 * to the ADOT collector or the X-Ray OTLP endpoint, wired by the process that owns the SDK (the
 * runner, a Lambda function).
 */
public final class Tracing {
  private Tracing() {}

  /** The propagator: X-Ray's header first, W3C trace context second. */
  public static TextMapPropagator propagator() {
    return TextMapPropagator.composite(
        XrayPropagator.getInstance(), W3CTraceContextPropagator.getInstance());
  }

  /** A builder; the service name and the exporter are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of the SDK {@link Tracing} builds. */
  public static final class Builder {
    private String serviceName;
    private SpanExporter exporter;
    private Clock clock = Clock.systemUTC();
    private boolean exportEachSpan;

    private Builder() {}

    /** The {@code service.name} of every span, e.g. {@code cairn-runner} (required). */
    public Builder serviceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    /** Where finished spans go (required). */
    public Builder exporter(SpanExporter exporter) {
      this.exporter = exporter;
      return this;
    }

    /** The clock trace ids take their time from (for tests). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Exports every span as it ends instead of in batches: for short-lived processes (a Lambda
     * invocation that is frozen right after) and tests.
     */
    public Builder exportEachSpan() {
      this.exportEachSpan = true;
      return this;
    }

    /** The SDK; close it to flush and stop the export. */
    public OpenTelemetrySdk build() {
      Objects.requireNonNull(serviceName, "serviceName");
      Objects.requireNonNull(exporter, "exporter");
      SpanProcessor processor =
          exportEachSpan
              ? SimpleSpanProcessor.create(exporter)
              : BatchSpanProcessor.builder(exporter).build();
      SdkTracerProvider tracerProvider =
          SdkTracerProvider.builder()
              .setIdGenerator(new XrayIdGenerator(clock))
              .setResource(
                  Resource.getDefault()
                      .merge(
                          Resource.create(
                              Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
              .addSpanProcessor(processor)
              .build();
      return OpenTelemetrySdk.builder()
          .setTracerProvider(tracerProvider)
          .setPropagators(ContextPropagators.create(propagator()))
          .build();
    }
  }
}
