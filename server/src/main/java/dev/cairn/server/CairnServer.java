package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
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
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cairn's HTTP port: push notifications (from the post-receive hook Cairn installs, or a git host's
 * webhook) and a small API. It listens on loopback unless told otherwise; it refuses to listen
 * elsewhere without an API token.
 *
 * <p>Every request must name this server in its {@code Host} header and carry no foreign {@code
 * Origin} (see {@link RequestGuard}): a web page the user visits can neither call the API nor read
 * it through DNS rebinding.
 *
 * <ul>
 *   <li>{@code POST /hooks/push}: a push happened; Cairn checks the repository now. When a webhook
 *       secret is configured the body must be signed like GitHub's {@code X-Hub-Signature-256}
 *       ({@code sha256=<hex HMAC of the body>}); otherwise 401.
 *   <li>{@code GET /api/status}: environments and their releases, as JSON.
 *   <li>{@code GET /api/runs}: recent runs, as JSON.
 *   <li>{@code POST /api/deploy} {@code {"environment", "commit", "allowUnmerged"?}}: deploy a
 *       commit by hand.
 *   <li>{@code POST /api/rollback} {@code {"environment", "to"?, "allowUnmerged"?}}: roll an
 *       environment back by hand.
 *   <li>Both need {@code Authorization: Bearer <API token>} and {@code Content-Type:
 *       application/json}; the actor recorded is the token's, never one named in the body.
 *   <li>{@code GET /health}: 200 while Cairn runs.
 *   <li>{@code GET /metrics}: the metrics in Prometheus' text format; needs the API token too (the
 *       counts tell what runs where).
 * </ul>
 */
public final class CairnServer implements AutoCloseable {
  /** The largest notification body accepted; pushes carry little. */
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  /** Prometheus' text exposition format. */
  private static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final System.Logger LOG = System.getLogger(CairnServer.class.getName());

  private final HttpServer server;

  /** Performs a manual action. */
  @FunctionalInterface
  public interface Actions {
    /**
     * Performs {@code deploy} or {@code rollback}.
     *
     * @param action {@code deploy} or {@code rollback}
     * @param request the request's JSON body
     * @param actor who asked, from the credential that authenticated the request
     * @return the answer's JSON body
     * @throws IllegalArgumentException the caller's mistake (400, the message is shown)
     */
    JsonNode perform(String action, JsonNode request, String actor);
  }

  /**
   * What the server serves.
   *
   * @param onPush called for each accepted push notification
   * @param status the status document
   * @param runs the runs document
   * @param webhookSecret the shared secret of signed notifications, or null to accept unsigned ones
   *     (fine on loopback, where only local hooks reach Cairn)
   * @param actions performs {@code deploy} and {@code rollback}
   * @param apiToken the credential {@code deploy} and {@code rollback} need, or null to refuse them
   *     all (and to refuse listening beyond loopback)
   * @param extraHosts further host names clients reach this server by (e.g. a TLS proxy's), beside
   *     loopback and the bound address
   * @param metrics the body of {@code GET /metrics} (Prometheus' text format), or null for none
   */
  public record Routes(
      Runnable onPush,
      Supplier<JsonNode> status,
      Supplier<JsonNode> runs,
      String webhookSecret,
      Actions actions,
      ApiToken apiToken,
      List<String> extraHosts,
      Supplier<String> metrics) {
    /** Copies. */
    public Routes {
      extraHosts = List.copyOf(extraHosts);
    }

    /** Routes without metrics. */
    public Routes(
        Runnable onPush,
        Supplier<JsonNode> status,
        Supplier<JsonNode> runs,
        String webhookSecret,
        Actions actions,
        ApiToken apiToken,
        List<String> extraHosts) {
      this(onPush, status, runs, webhookSecret, actions, apiToken, extraHosts, null);
    }

    @Override
    public String toString() {
      return "Routes[webhookSecret="
          + (webhookSecret == null ? "none" : "***")
          + ", apiToken="
          + (apiToken == null ? "none" : "***")
          + "]";
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
   * @throws IllegalArgumentException when asked to listen beyond loopback without an API token
   */
  public static CairnServer start(String host, int port, Routes routes) throws IOException {
    if (routes.apiToken() == null && !RequestGuard.isLoopback(host)) {
      throw new IllegalArgumentException(
          "Cairn's HTTP port listens beyond loopback ("
              + host
              + ") only with an API token; without one, bind 127.0.0.1");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    RequestGuard guard =
        new RequestGuard(
            host, server.getAddress().getPort(), routes.extraHosts(), routes.apiToken());
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/hooks/push", guarded(guard, exchange -> push(exchange, routes)));
    server.createContext(
        "/api/status", guarded(guard, exchange -> json(exchange, routes.status())));
    server.createContext("/api/runs", guarded(guard, exchange -> json(exchange, routes.runs())));
    server.createContext(
        "/api/deploy", guarded(guard, exchange -> action(exchange, "deploy", routes, guard)));
    server.createContext(
        "/api/rollback", guarded(guard, exchange -> action(exchange, "rollback", routes, guard)));
    server.createContext("/metrics", guarded(guard, exchange -> metrics(exchange, routes, guard)));
    server.createContext(
        "/health", guarded(guard, exchange -> respond(exchange, 200, "{\"status\":\"ok\"}")));
    server.start();
    return new CairnServer(server);
  }

  /** Refuses a foreign Host or Origin before the handler sees the request. */
  private static HttpHandler guarded(RequestGuard guard, HttpHandler handler) {
    return exchange -> {
      var refused = guard.checkSite(exchange.getRequestHeaders());
      if (refused.isPresent()) {
        try (exchange) {
          respond(exchange, 403, errorJson(refused.get()));
        }
        return;
      }
      handler.handle(exchange);
    };
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

  private static void action(HttpExchange exchange, String name, Routes routes, RequestGuard guard)
      throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"use POST\"}");
        return;
      }
      if (!guard.authenticated(exchange.getRequestHeaders())) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(
            exchange,
            401,
            errorJson(
                "missing or wrong API token (Authorization: Bearer <CAIRN_HOME's api-token>)"));
        return;
      }
      if (!RequestGuard.isJson(exchange.getRequestHeaders())) {
        respond(exchange, 415, errorJson("the body must be JSON (Content-Type: application/json)"));
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
        respond(exchange, 400, errorJson("the body is not JSON"));
        return;
      }
      if (!request.isObject()) {
        respond(exchange, 400, errorJson("the body must be a JSON object"));
        return;
      }
      try {
        respond(exchange, 202, Json.write(routes.actions().perform(name, request, guard.actor())));
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, errorJson(e.getMessage()));
      } catch (RuntimeException e) {
        // The exception's text may name paths or remote answers: the log has it, the caller not.
        LOG.log(System.Logger.Level.ERROR, name + " failed", e);
        respond(exchange, 500, errorJson(name + " failed; Cairn's log has the details"));
      }
    }
  }

  private static void metrics(HttpExchange exchange, Routes routes, RequestGuard guard)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"use GET\"}");
      } else if (!guard.authenticated(exchange.getRequestHeaders())) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(exchange, 401, errorJson("missing or wrong API token (Authorization: Bearer)"));
      } else if (routes.metrics() == null) {
        respond(exchange, 404, errorJson("this Cairn serves no metrics"));
      } else {
        respond(exchange, 200, METRICS_TYPE, routes.metrics().get());
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
    respond(exchange, status, "application/json", body);
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    // No browser may guess another type (and run it as a page on this origin).
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
