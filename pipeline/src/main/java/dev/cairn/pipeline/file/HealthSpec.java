package dev.cairn.pipeline.file;

import java.time.Duration;

/**
 * The HTTP health check of a release: {@code GET http://127.0.0.1:PORT/PATH} answering 2xx.
 *
 * @param path the path, e.g. {@code /health}
 * @param interval the time between checks
 * @param timeout the time limit of one check
 * @param failureThreshold consecutive failures during the bake that make the release unhealthy
 */
public record HealthSpec(String path, Duration interval, Duration timeout, int failureThreshold) {}
