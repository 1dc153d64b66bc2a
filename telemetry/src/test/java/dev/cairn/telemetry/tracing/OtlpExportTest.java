package dev.cairn.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Spans leave over OTLP/HTTP (with the JDK's HTTP client) to the endpoint the environment names.
 */
class OtlpExportTest {
  private record Received(String path, String contentType, int bytes) {}

  @Test
  void spansArePostedAsProtobufToTheTracesPathUnderTheBaseUrl() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer collector =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(
                new Received(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body.length));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    collector.start();
    try {
      String base = "http://127.0.0.1:" + collector.getAddress().getPort();
      String url = Tracing.otlpEndpoint(Map.of(Tracing.OTLP_ENDPOINT, base)).orElseThrow();
      try (OpenTelemetrySdk sdk =
          Tracing.builder()
              .serviceName("cairn-test")
              .exporter(Tracing.otlpExporter(url))
              .exportEachSpan()
              .build()) {
        sdk.getTracer("test").spanBuilder("Build").startSpan().end();
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
      Received request = received.get(0);
      assertThat(request.path()).isEqualTo("/v1/traces");
      assertThat(request.contentType()).isEqualTo("application/x-protobuf");
      assertThat(request.bytes()).isPositive();
    } finally {
      collector.stop(0);
    }
  }
}
