package dev.cairn.telemetry.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the OpenTelemetry SDK every Cairn process traces with: the service name as a resource
 * attribute, W3C trace context (or the driver's propagator), the driver's trace ids (random, or
 * X-Ray's on AWS) and one exporter — OTLP over HTTP when configured ({@link #otlpEndpoint}).
 */
public final class Tracing {
  /**
   * The variable naming the OTLP endpoint's base URL (traces go to {@code /v1/traces} under it).
   */
  public static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";

  /** The variable naming the OTLP traces endpoint's full URL (before {@link #OTLP_ENDPOINT}). */
  public static final String OTLP_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

  private Tracing() {}

  /** A builder; the service name and the exporter are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The OTLP traces URL the environment configures, as OpenTelemetry's own SDKs read it: {@value
   * #OTLP_TRACES_ENDPOINT} as it is, else {@value #OTLP_ENDPOINT} with {@code /v1/traces} appended;
   * empty when neither is set.
   *
   * @throws IllegalArgumentException when the value is not an http(s) URL
   */
  public static Optional<String> otlpEndpoint(Map<String, String> environment) {
    String traces = environment.get(OTLP_TRACES_ENDPOINT);
    if (traces != null && !traces.isBlank()) {
      return Optional.of(requireUrl(OTLP_TRACES_ENDPOINT, traces.strip()));
    }
    String base = environment.get(OTLP_ENDPOINT);
    if (base != null && !base.isBlank()) {
      return Optional.of(tracesUrl(requireUrl(OTLP_ENDPOINT, base.strip())));
    }
    return Optional.empty();
  }

  /** The traces URL under an OTLP base URL, e.g. {@code http://collector:4318/v1/traces}. */
  public static String tracesUrl(String base) {
    return (base.endsWith("/") ? base : base + "/") + "v1/traces";
  }

  /**
   * An exporter sending spans to {@code url} with OTLP over HTTP (protobuf), e.g. to an
   * OpenTelemetry Collector, Jaeger or Tempo on port 4318.
   *
   * @throws IllegalArgumentException when {@code url} is not an http(s) URL
   */
  public static SpanExporter otlpExporter(String url) {
    OtlpHttpSpanExporterBuilder builder =
        OtlpHttpSpanExporter.builder().setEndpoint(requireUrl("the OTLP endpoint", url));
    return builder.build();
  }

  /**
   * Returns {@code url} when it is an http(s) URL with a host.
   *
   * @param what where the value came from, for the message (e.g. an option's name)
   * @throws IllegalArgumentException otherwise, naming {@code what} and the URL (credentials
   *     masked)
   */
  public static String requireUrl(String what, String url) {
    try {
      URI uri = URI.create(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return url;
      }
    } catch (IllegalArgumentException e) {
      // Reported below, without the parser's wording.
    }
    throw new IllegalArgumentException(
        what
            + ": '"
            + forDisplay(url)
            + "' is not an http(s) URL like http://localhost:4318/v1/traces");
  }

  /** The URL with any user and password in it masked, for messages and logs. */
  public static String forDisplay(String url) {
    return url.replaceFirst("(?<=//)[^/@]*@", "***@");
  }

  /** Options of the SDK {@link Tracing} builds. */
  public static final class Builder {
    private String serviceName;
    private SpanExporter exporter;
    private IdGenerator ids = IdGenerator.random();
    private TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
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

    /** How trace and span ids are made (default: random, as W3C trace context has them). */
    public Builder idGenerator(IdGenerator ids) {
      this.ids = Objects.requireNonNull(ids, "ids");
      return this;
    }

    /** How the trace is carried across processes (default: W3C trace context). */
    public Builder propagator(TextMapPropagator propagator) {
      this.propagator = Objects.requireNonNull(propagator, "propagator");
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
              .setIdGenerator(ids)
              .setResource(
                  Resource.getDefault()
                      .merge(
                          Resource.create(
                              Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
              .addSpanProcessor(processor)
              .build();
      return OpenTelemetrySdk.builder()
          .setTracerProvider(tracerProvider)
          .setPropagators(ContextPropagators.create(propagator))
          .build();
    }
  }
}
