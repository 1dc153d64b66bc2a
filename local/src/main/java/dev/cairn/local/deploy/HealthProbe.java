package dev.cairn.local.deploy;

import dev.cairn.pipeline.file.HealthSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A release's health check: one {@code GET} of its health path on its private port. */
final class HealthProbe {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** True when {@code 127.0.0.1:port} answered the health path with 2xx within its time limit. */
  boolean answers(int port, HealthSpec health) {
    String path = health.path().startsWith("/") ? health.path() : "/" + health.path();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(health.timeout())
            .GET()
            .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 300;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
