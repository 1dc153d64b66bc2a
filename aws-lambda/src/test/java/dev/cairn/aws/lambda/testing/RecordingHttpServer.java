package dev.cairn.aws.lambda.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An HTTP server on loopback that records every request and answers with a status chosen per
 * request: a stand-in for a git host's REST API in tests.
 */
public final class RecordingHttpServer implements AutoCloseable {
  /**
   * One request received.
   *
   * @param method e.g. POST
   * @param path the path
   * @param authorization the Authorization header, or null
   * @param body the body as text
   */
  public record Request(String method, String path, String authorization, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private RecordingHttpServer(Function<Request, Integer> status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            Request request =
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.apply(request), answer.length);
            exchange.getResponseBody().write(answer);
          }
        });
    server.start();
  }

  /** Starts a server answering each request with {@code status.apply(request)}. */
  public static RecordingHttpServer start(Function<Request, Integer> status) throws IOException {
    return new RecordingHttpServer(status);
  }

  /** The base URL. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The requests so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
