package dev.cairn.local.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A tiny application for the deployer's tests: listens on {@code $PORT}, answers {@code /health}
 * with 200 and every other path with {@code $RELEASE_NAME}.
 */
public final class TestHttpApp {
  private TestHttpApp() {}

  /** Serves until killed. */
  public static void main(String[] args) throws IOException {
    String name = System.getenv().getOrDefault("RELEASE_NAME", "unnamed");
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 200);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", exchange -> answer(exchange, "ok"));
    server.createContext("/", exchange -> answer(exchange, name));
    server.start();
  }

  private static void answer(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
