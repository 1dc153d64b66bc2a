package dev.cairn.cli.loop;

import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.telemetry.metrics.PrometheusMetrics;
import dev.cairn.telemetry.metrics.RunMetrics;
import dev.cairn.telemetry.tracing.RunTracer;
import dev.cairn.telemetry.tracing.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The local loop's metrics and traces, wired from the shared telemetry: the run meters hear the
 * runtime's events (and the proxies' counts, read from their files at each scrape); when an
 * exporter is given, each run that ends becomes a trace of its execution's states.
 */
final class LocalTelemetry implements AutoCloseable {
  /** The {@code service.name} of the local loop's spans. */
  static final String SERVICE_NAME = "cairn";

  private final PrometheusMetrics metrics = new PrometheusMetrics();
  private final ProcessDeployer deployer;
  private final OpenTelemetrySdk sdk;
  private final PipelineListener listener;

  /**
   * @param traces where the runs' traces go, or null for no traces
   * @param histories the runs' execution histories
   * @param deployer the proxies' counts
   */
  LocalTelemetry(SpanExporter traces, RunTracer.Histories histories, ProcessDeployer deployer) {
    this.deployer = deployer;
    if (traces == null) {
      this.sdk = null;
      this.listener = metrics.runs();
    } else {
      this.sdk = Tracing.builder().serviceName(SERVICE_NAME).exporter(traces).build();
      RunTracer tracer = new RunTracer(sdk.getTracer("dev.cairn.local"), histories);
      this.listener =
          metrics
              .runs()
              .andThen(
                  event -> {
                    tracer.event(event);
                    if (event.kind() == RunEvent.Kind.RUN_ENDED) {
                      // A run's trace is complete at once: send it now, not at the next batch.
                      sdk.getSdkTracerProvider().forceFlush();
                    }
                  });
    }
  }

  /** Hears the runtime's events. */
  PipelineListener listener() {
    return listener;
  }

  /** The run meters, for the driver's own counts. */
  RunMetrics metrics() {
    return metrics.runs();
  }

  /** The body of {@code GET /metrics}. */
  String scrape() {
    for (String environment : deployer.environments()) {
      deployer
          .proxyCounters(environment)
          .ifPresent(c -> metrics.runs().proxyTraffic(environment, c.connections(), c.errors()));
    }
    return metrics.scrape();
  }

  /** Sends the spans not sent yet. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.close();
    }
  }
}
