package dev.cairn.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.RunEvent;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Traces of real executions of Cairn's engine. */
class RunTracerTest {
  private static final String BUILD = "arn:aws:states:::batch:submitJob.sync";

  /** Validate, then Build: on failure, Rollback (caught), then Failed. */
  private static final String MACHINE =
      """
      {"StartAt": "Validate", "States": {
        "Validate": {"Type": "Pass", "Next": "Build"},
        "Build": {"Type": "Task", "Resource": "%s", "Next": "Done",
          "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Rollback"}]},
        "Rollback": {"Type": "Pass", "Next": "Failed"},
        "Failed": {"Type": "Fail", "Error": "Cairn.RolledBack", "Cause": "the build failed"},
        "Done": {"Type": "Succeed"}}}
      """
          .formatted(BUILD);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      Tracing.builder().serviceName("cairn-test").exporter(exporter).exportEachSpan().build();
  private Engine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    sdk.close();
  }

  private List<SpanData> run(boolean buildFails) throws Exception {
    engine =
        Engine.builder()
            .taskHandlers(
                new TaskHandlers()
                    .register(
                        BUILD,
                        request ->
                            buildFails
                                ? CompletableFuture.failedFuture(
                                    new StatesException("Cairn.BuildFailed", "step 1 exited 2"))
                                : CompletableFuture.completedFuture((JsonNode) Json.object())))
            .build();
    JsonNode input = Json.parse("{\"run\": {\"id\": \"000001-abc\", \"commit\": \"abc123\"}}");
    String arn = engine.start(MACHINE, "tiny", "000001-abc", input);
    engine.completion(arn).get(30, TimeUnit.SECONDS);
    RunTracer tracer = new RunTracer(sdk.getTracer("test"), run -> engine.history(arn));
    tracer.event(new RunEvent("000001-abc", RunEvent.Kind.BUILD_SUCCEEDED, null, ""));
    assertThat(exporter.getFinishedSpanItems()).as("only the run's end makes a trace").isEmpty();
    tracer.event(new RunEvent("000001-abc", RunEvent.Kind.RUN_ENDED, null, "SUCCEEDED"));
    return exporter.getFinishedSpanItems();
  }

  @Test
  void aRunIsOneTraceWithASpanPerStateUnderTheRunsSpan() throws Exception {
    List<SpanData> spans = run(false);

    SpanData root = only(spans, RunTracer.RUN_SPAN);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getAttributes().get(RunTracer.RUN_ID)).isEqualTo("000001-abc");
    assertThat(root.getAttributes().get(RunTracer.COMMIT)).isEqualTo("abc123");
    assertThat(root.getAttributes().get(RunTracer.STATUS)).isEqualTo("SUCCEEDED");
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(RunTracer.RUN_SPAN, "Validate", "Build", "Done");
    for (SpanData span : spans) {
      assertThat(span.getTraceId()).isEqualTo(root.getTraceId());
      if (span != root) {
        assertThat(span.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(span.getStartEpochNanos()).isGreaterThanOrEqualTo(root.getStartEpochNanos());
        assertThat(span.getEndEpochNanos()).isLessThanOrEqualTo(root.getEndEpochNanos());
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      }
    }
    assertThat(only(spans, "Build").getAttributes().get(RunTracer.STATE_TYPE)).isEqualTo("Task");
  }

  @Test
  void aFailedStateAndAFailedRunCarryTheirErrors() throws Exception {
    List<SpanData> spans = run(true);

    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(RunTracer.RUN_SPAN, "Validate", "Build", "Rollback", "Failed");
    SpanData build = only(spans, "Build");
    assertThat(build.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(build.getStatus().getDescription()).isEqualTo("Cairn.BuildFailed");
    assertThat(build.getAttributes().get(RunTracer.CAUSE)).isEqualTo("step 1 exited 2");
    assertThat(build.getEvents()).extracting(e -> e.getName()).containsExactly("TaskFailed");
    assertThat(only(spans, "Rollback").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    SpanData root = only(spans, RunTracer.RUN_SPAN);
    assertThat(root.getAttributes().get(RunTracer.STATUS)).isEqualTo("FAILED");
    assertThat(root.getStatus().getDescription()).isEqualTo("Cairn.RolledBack");
  }

  @Test
  void theOtlpEndpointIsReadAsOpenTelemetrysSdksReadIt() {
    assertThat(Tracing.otlpEndpoint(java.util.Map.of())).isEmpty();
    assertThat(
            Tracing.otlpEndpoint(java.util.Map.of(Tracing.OTLP_ENDPOINT, "http://collector:4318")))
        .contains("http://collector:4318/v1/traces");
    assertThat(
            Tracing.otlpEndpoint(
                java.util.Map.of(
                    Tracing.OTLP_ENDPOINT, "http://collector:4318/",
                    Tracing.OTLP_TRACES_ENDPOINT, "https://tempo.example/otlp/v1/traces")))
        .contains("https://tempo.example/otlp/v1/traces");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Tracing.otlpEndpoint(java.util.Map.of(Tracing.OTLP_ENDPOINT, "collector:4318")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT")
        .hasMessageContaining("not an http(s) URL");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Tracing.otlpExporter("ftp://user:hunter2@collector/v1/traces"))
        .hasMessageContaining("ftp://***@collector")
        .hasMessageNotContaining("hunter2");
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }
}
