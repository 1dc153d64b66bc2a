package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cairn's HTTP port: push notifications (from the post-receive hook Cairn installs, or a git host's
 * webhook) and a small read-only API. It listens on loopback unless told otherwise.
 *
 * <ul>
 *   <li>{@code POST /hooks/push}: a push happened; Cairn checks the repository now. When a webhook
 *       secret is configured the body must be signed like GitHub's {@code X-Hub-Signature-256}
 *       ({@code sha256=<hex HMAC of the body>}); otherwise 401.
 *   <li>{@code GET /api/status}: environments and their releases, as JSON.
 *   <li>{@code GET /api/runs}: recent runs, as JSON.
 *   <li>{@code POST /api/deploy} {@code {"environment", "commit", "actor"?}}: deploy a commit by
 *       hand.
 *   <li>{@code POST /api/rollback} {@code {"environment", "to"?, "actor"?}}: roll an environment
 *       back by hand.
 *   <li>{@code GET /health}: 200 while Cairn runs.
 * </ul>
 */
public final class CairnServer implements AutoCloseable {
  /** The largest notification body accepted; pushes carry little. */
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private final HttpServer server;

  /**
   * What the server serves.
   *
   * @param onPush called for each accepted push notification
   * @param status the status document
   * @param runs the runs document
   * @param webhookSecret the shared secret of signed notifications, or null to accept unsigned ones
   *     (fine on loopback, where only local hooks reach Cairn)
   * @param actions performs {@code deploy} and {@code rollback} with the request's JSON body; an
   *     IllegalArgumentException is the caller's mistake (400)
   */
  public record Routes(
      Runnable onPush,
      Supplier<JsonNode> status,
      Supplier<JsonNode> runs,
      String webhookSecret,
      java.util.function.BiFunction<String, JsonNode, JsonNode> actions) {
    @Override
    public String toString() {
      return "Routes[webhookSecret=" + (webhookSecret == null ? "none" : "***") + "]";
    }
  }

  private CairnServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts listening.
   *
   * @param host the address to bind, e.g. {@code 127.0.0.1}
   * @param port the port, or 0 for any free one
   */
  public static CairnServer start(String host, int port, Routes routes) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/hooks/push", exchange -> push(exchange, routes));
    server.createContext("/api/status", exchange -> json(exchange, routes.status()));
    server.createContext("/api/runs", exchange -> json(exchange, routes.runs()));
    server.createContext("/api/deploy", exchange -> action(exchange, "deploy", routes));
    server.createContext("/api/rollback", exchange -> action(exchange, "rollback", routes));
    server.createContext("/health", exchange -> respond(exchange, 200, "{\"status\":\"ok\"}"));
    server.start();
    return new CairnServer(server);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void push(HttpExchange exchange, Routes routes) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"use POST\"}");
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        respond(exchange, 413, "{\"error\":\"the body is larger than 1 MiB\"}");
        return;
      }
      if (routes.webhookSecret() != null
          && !validSignature(
              routes.webhookSecret(),
              body,
              exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"))) {
        respond(exchange, 401, "{\"error\":\"missing or invalid X-Hub-Signature-256\"}");
        return;
      }
      routes.onPush().run();
      respond(exchange, 202, "{\"accepted\":true}");
    }
  }

  private static void action(HttpExchange exchange, String name, Routes routes) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"use POST\"}");
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        respond(exchange, 413, "{\"error\":\"the body is larger than 1 MiB\"}");
        return;
      }
      JsonNode request;
      try {
        request =
            body.length == 0 ? Json.object() : Json.parse(new String(body, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, errorJson("the body is not JSON: " + e.getMessage()));
        return;
      }
      try {
        respond(exchange, 202, Json.write(routes.actions().apply(name, request)));
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, errorJson(e.getMessage()));
      } catch (RuntimeException e) {
        respond(exchange, 500, errorJson(name + " failed: " + e.getMessage()));
      }
    }
  }

  private static String errorJson(String message) {
    var node = Json.object();
    node.put("error", message);
    return Json.write(node);
  }

  /** True when {@code header} is {@code sha256=<hex>} of the body's HMAC with the secret. */
  static boolean validSignature(String secret, byte[] body, String header) {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal(body);
      byte[] given;
      try {
        given = HexFormat.of().parseHex(header.substring("sha256=".length()));
      } catch (IllegalArgumentException e) {
        return false;
      }
      // Constant time, so the signature cannot be guessed byte by byte.
      return MessageDigest.isEqual(expected, given);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }

  private static void json(HttpExchange exchange, Supplier<JsonNode> document) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"use GET\"}");
        return;
      }
      respond(exchange, 200, Json.write(document.get()));
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
