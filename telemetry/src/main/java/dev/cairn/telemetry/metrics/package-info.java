/**
 * Metrics of runs with Micrometer: {@link dev.cairn.telemetry.metrics.RunMetrics} binds the meters
 * and hears the runtime's events; {@link dev.cairn.telemetry.metrics.PrometheusMetrics} serves them
 * to Prometheus.
 */
package dev.cairn.telemetry.metrics;
