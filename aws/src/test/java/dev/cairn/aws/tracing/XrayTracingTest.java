package dev.cairn.aws.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XrayTracingTest {
  private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");

  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  @Test
  void spansHaveXrayTraceIdsAndTheServiceName() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    List<SpanData> spans;
    try (OpenTelemetrySdk sdk =
        XrayTracing.builder(Clock.fixed(NOW, ZoneOffset.UTC))
            .serviceName("cairn-runner")
            .exporter(exporter)
            .exportEachSpan()
            .build()) {
      Tracer tracer = sdk.getTracer("test");
      Span parent = tracer.spanBuilder("build").startSpan();
      try (Scope scope = parent.makeCurrent()) {
        tracer.spanBuilder("compile").startSpan().end();
      }
      parent.end();
      // Read before closing: closing the SDK shuts the in-memory exporter down, which empties it.
      spans = exporter.getFinishedSpanItems();
    }

    assertThat(spans).hasSize(2);
    String epochHex = String.format("%08x", NOW.getEpochSecond());
    for (SpanData span : spans) {
      assertThat(span.getTraceId()).matches("[0-9a-f]{32}").startsWith(epochHex);
      assertThat(span.getSpanId()).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
      assertThat(span.getResource().getAttributes().asMap())
          .anySatisfy(
              (k, v) -> {
                assertThat(k.getKey()).isEqualTo("service.name");
                assertThat(v).isEqualTo("cairn-runner");
              });
    }
    assertThat(spans.get(0).getTraceId()).isEqualTo(spans.get(1).getTraceId());
  }

  @Test
  void theXrayHeaderIsInjectedAndExtracted() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Map<String, String> headers = new HashMap<>();
    String traceId;
    try (OpenTelemetrySdk sdk =
        XrayTracing.builder(Clock.fixed(NOW, ZoneOffset.UTC))
            .serviceName("cairn-webhook")
            .exporter(exporter)
            .exportEachSpan()
            .build()) {
      Span span = sdk.getTracer("test").spanBuilder("receive").startSpan();
      traceId = span.getSpanContext().getTraceId();
      sdk.getPropagators()
          .getTextMapPropagator()
          .inject(Context.current().with(span), headers, Map::put);
      span.end();

      String header = headers.get("X-Amzn-Trace-Id");
      assertThat(header)
          .isEqualTo(
              "Root=1-"
                  + traceId.substring(0, 8)
                  + "-"
                  + traceId.substring(8)
                  + ";Parent="
                  + span.getSpanContext().getSpanId()
                  + ";Sampled=1");
      assertThat(headers).containsKey("traceparent");

      // A downstream process continues the same trace from the X-Ray header alone.
      Map<String, String> incoming = Map.of("X-Amzn-Trace-Id", header);
      Context extracted = XrayTracing.propagator().extract(Context.root(), incoming, MAP_GETTER);
      assertThat(Span.fromContext(extracted).getSpanContext().getTraceId()).isEqualTo(traceId);
    }
  }

  @Test
  void idsAreRandomBeyondTheTimestamp() {
    XrayIdGenerator ids = new XrayIdGenerator(Clock.fixed(NOW, ZoneOffset.UTC));

    String a = ids.generateTraceId();
    String b = ids.generateTraceId();

    assertThat(a.substring(0, 8)).isEqualTo(b.substring(0, 8));
    assertThat(a.substring(8)).isNotEqualTo(b.substring(8));
    assertThat(ids.generateSpanId()).isNotEqualTo(ids.generateSpanId());
  }

  @Test
  void headersFromAwsAreReadAndMalformedOnesIgnored() {
    Map<String, String> lambda =
        Map.of(
            "x-amzn-trace-id",
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a:1");
    SpanContextView view = extract(lambda);
    assertThat(view.traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(view.spanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(view.sampled()).isTrue();
    assertThat(view.remote()).isTrue();

    assertThat(
            extract(Map.of("X-Amzn-Trace-Id", "Root=1-5759e988-bd86;Parent=53995c3f42cd8ad8"))
                .valid())
        .isFalse();
    assertThat(
            extract(Map.of("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")).valid())
        .isFalse();
    assertThat(extract(Map.of("X-Amzn-Trace-Id", "garbage")).valid()).isFalse();
    assertThat(
            extract(
                    Map.of(
                        "X-Amzn-Trace-Id",
                        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"))
                .sampled())
        .isFalse();
  }

  private record SpanContextView(
      String traceId, String spanId, boolean sampled, boolean remote, boolean valid) {}

  private static SpanContextView extract(Map<String, String> headers) {
    var context =
        Span.fromContext(XrayPropagator.getInstance().extract(Context.root(), headers, MAP_GETTER))
            .getSpanContext();
    return new SpanContextView(
        context.getTraceId(),
        context.getSpanId(),
        context.isSampled(),
        context.isRemote(),
        context.isValid());
  }
}
