package dev.cairn.telemetry.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Cairn's meters ({@link RunMetrics}) in a registry Prometheus scrapes: {@link #scrape()} is the
 * body of {@code GET /metrics}.
 */
public final class PrometheusMetrics {
  /** The content type of {@link #scrape()}: Prometheus' text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final RunMetrics runs;

  /** Meters on the system's clock. */
  public PrometheusMetrics() {
    this(Clock.SYSTEM);
  }

  /** Meters timed on {@code clock} (for tests). */
  PrometheusMetrics(Clock clock) {
    this.registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT,
            new io.prometheus.metrics.model.registry.PrometheusRegistry(),
            clock);
    this.runs = new RunMetrics(registry);
  }

  /** The meters of runs, to hear the runtime's events and the driver's counts. */
  public RunMetrics runs() {
    return runs;
  }

  /** The current values, in Prometheus' text format. */
  public String scrape() {
    return registry.scrape();
  }
}
