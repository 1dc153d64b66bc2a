package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

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
 *   <li>{@code POST /hooks/push}: a push happened; Cairn checks the repository now. GitHub's and
 *       GitLab's webhooks and Cairn's own hook are told apart, authenticated when a webhook secret
 *       is configured, and de-duplicated by {@link PushWebhook}.
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
 *   <li>The dashboard ({@code GET /} and the pages below it), when the routes have one: see {@link
 *       DashboardRoutes}.
 * </ul>
 *
 * <p>It runs on Javalin (Jetty): bodies over 1 MiB are refused, request headers are limited, idle
 * connections are closed after 30 seconds, and requests are served on virtual threads.
 */
public final class CairnServer implements AutoCloseable {
  /** The largest request body accepted; pushes and API calls carry little. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** How long a connection may stay silent before it is closed. */
  private static final long IDLE_TIMEOUT_MILLIS = 30_000;

  /** The largest request header block: Host, cookies and a token fit many times over. */
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Prometheus' text exposition format. */
  private static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final System.Logger LOG = System.getLogger(CairnServer.class.getName());

  // Jetty and Javalin tell of every start at INFO; Cairn's own start line says what matters. Held
  // here because java.util.logging keeps its loggers only weakly.
  private static final List<Logger> QUIET =
      List.of(Logger.getLogger("org.eclipse.jetty"), Logger.getLogger("io.javalin"));

  static {
    QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
  }

  private final Javalin server;

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
   * @param dashboard what the dashboard shows, or null for no dashboard
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
      DashboardData dashboard,
      Supplier<String> metrics) {
    /** Copies. */
    public Routes {
      extraHosts = List.copyOf(extraHosts);
    }

    /** Routes without a dashboard or metrics. */
    public Routes(
        Runnable onPush,
        Supplier<JsonNode> status,
        Supplier<JsonNode> runs,
        String webhookSecret,
        Actions actions,
        ApiToken apiToken,
        List<String> extraHosts) {
      this(onPush, status, runs, webhookSecret, actions, apiToken, extraHosts, null, null);
    }

    @Override
    public String toString() {
      return "Routes[webhookSecret="
          + (webhookSecret == null ? "none" : "***")
          + ", apiToken="
          + (apiToken == null ? "none" : "***")
          + ", dashboard="
          + (dashboard != null)
          + ", metrics="
          + (metrics != null)
          + "]";
    }
  }

  private CairnServer(Javalin server) {
    this.server = server;
  }

  /**
   * Starts listening.
   *
   * @param host the address to bind, e.g. {@code 127.0.0.1}
   * @param port the port, or 0 for any free one
   * @throws IllegalArgumentException when asked to listen beyond loopback without an API token
   * @throws BindException when the port cannot be bound (e.g. another process has it)
   */
  public static CairnServer start(String host, int port, Routes routes) throws IOException {
    if (routes.apiToken() == null && !RequestGuard.isLoopback(host)) {
      throw new IllegalArgumentException(
          "Cairn's HTTP port listens beyond loopback ("
              + host
              + ") only with an API token; without one, bind 127.0.0.1");
    }
    // The guard needs the port, known only once bound (port 0): see GuardHolder.
    GuardHolder guard = new GuardHolder(host, routes);
    Javalin server = Javalin.create(config -> configure(config, routes, guard));
    try {
      server.start(host, port);
    } catch (RuntimeException e) {
      server.stop();
      BindException bind = new BindException("cannot listen on " + host + ":" + port);
      bind.initCause(e);
      throw bind;
    }
    for (Connector connector : server.jettyServer().server().getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
      }
    }
    guard.bound(server.port());
    return new CairnServer(server);
  }

  private static void configure(JavalinConfig config, Routes routes, GuardHolder guard) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.concurrency.useVirtualThreads = true;
    config.http.maxRequestSize = MAX_BODY_BYTES;
    config.http.prefer405over404 = true;
    config.jetty.modifyHttpConfiguration(
        http -> {
          http.setRequestHeaderSize(MAX_HEADER_BYTES);
          http.setSendServerVersion(false);
        });
    var api = config.routes;
    // Refuses a foreign Host or Origin before any handler sees the request.
    api.before(
        ctx -> {
          // No browser may guess another type (and run it as a page on this origin).
          ctx.header("X-Content-Type-Options", "nosniff");
          var refused = guard.forRequest(ctx.req().getLocalPort()).checkSite(ctx::header);
          if (refused.isPresent()) {
            respond(ctx, 403, errorJson(refused.get()));
            ctx.skipRemainingHandlers();
          }
        });
    PushWebhook webhook = new PushWebhook(routes.webhookSecret());
    api.post("/hooks/push", ctx -> push(ctx, routes, webhook));
    api.get("/api/status", ctx -> respond(ctx, 200, Json.write(routes.status().get())));
    api.get("/api/runs", ctx -> respond(ctx, 200, Json.write(routes.runs().get())));
    api.post("/api/deploy", ctx -> action(ctx, "deploy", routes, guard.get()));
    api.post("/api/rollback", ctx -> action(ctx, "rollback", routes, guard.get()));
    api.get("/health", ctx -> respond(ctx, 200, "{\"status\":\"ok\"}"));
    api.get("/metrics", ctx -> metrics(ctx, routes, guard.get()));
    for (String path : List.of("/hooks/push", "/api/deploy", "/api/rollback")) {
      api.addHttpHandler(HandlerType.GET, path, ctx -> respond(ctx, 405, errorJson("use POST")));
    }
    if (routes.dashboard() != null) {
      DashboardRoutes.register(api, routes.dashboard(), routes.actions(), guard::get);
    }
    api.exception(
        Exception.class,
        (e, ctx) -> {
          // The exception's text may name paths or remote answers: the log has it, the caller not.
          LOG.log(System.Logger.Level.ERROR, ctx.method() + " " + ctx.path() + " failed", e);
          respond(ctx, 500, errorJson("the request failed; Cairn's log has the details"));
        });
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }

  private static void push(Context ctx, Routes routes, PushWebhook webhook) throws IOException {
    byte[] body = readLimited(ctx);
    if (body == null) {
      respond(ctx, 413, errorJson("the body is larger than 1 MiB"));
      return;
    }
    PushWebhook.Decision decision = webhook.decide(ctx::header, body);
    if (decision.verdict() == PushWebhook.Verdict.FETCH) {
      routes.onPush().run();
    }
    respond(ctx, decision.status(), decision.body());
  }

  private static void action(Context ctx, String name, Routes routes, RequestGuard guard)
      throws IOException {
    if (!guard.authenticated(ctx::header)) {
      ctx.header("WWW-Authenticate", "Bearer");
      respond(
          ctx,
          401,
          errorJson("missing or wrong API token (Authorization: Bearer <CAIRN_HOME's api-token>)"));
      return;
    }
    if (!RequestGuard.isJson(ctx::header)) {
      respond(ctx, 415, errorJson("the body must be JSON (Content-Type: application/json)"));
      return;
    }
    byte[] body = readLimited(ctx);
    if (body == null) {
      respond(ctx, 413, errorJson("the body is larger than 1 MiB"));
      return;
    }
    JsonNode request;
    try {
      request =
          body.length == 0 ? Json.object() : Json.parse(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      respond(ctx, 400, errorJson("the body is not JSON"));
      return;
    }
    if (!request.isObject()) {
      respond(ctx, 400, errorJson("the body must be a JSON object"));
      return;
    }
    try {
      respond(ctx, 202, Json.write(routes.actions().perform(name, request, guard.actor())));
    } catch (IllegalArgumentException e) {
      respond(ctx, 400, errorJson(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, name + " failed", e);
      respond(ctx, 500, errorJson(name + " failed; Cairn's log has the details"));
    }
  }

  private static void metrics(Context ctx, Routes routes, RequestGuard guard) {
    if (!guard.authenticated(ctx::header)) {
      ctx.header("WWW-Authenticate", "Bearer");
      respond(ctx, 401, errorJson("missing or wrong API token (Authorization: Bearer)"));
    } else if (routes.metrics() == null) {
      respond(ctx, 404, errorJson("this Cairn serves no metrics"));
    } else {
      ctx.status(200).contentType(METRICS_TYPE).result(routes.metrics().get());
    }
  }

  static String errorJson(String message) {
    var node = Json.object();
    node.put("error", message);
    return Json.write(node);
  }

  /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}, whatever it declares. */
  static byte[] readLimited(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      return null;
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? null : body;
    }
  }

  static void respond(Context ctx, int status, String json) {
    ctx.status(status).contentType("application/json").result(json);
  }

  /**
   * The request guard, made once the port is known: when the server is bound, or by the first
   * request if that comes sooner (from the port the request came in on, which is the server's).
   */
  private static final class GuardHolder {
    private final String host;
    private final Routes routes;
    private RequestGuard guard;

    GuardHolder(String host, Routes routes) {
      this.host = host;
      this.routes = routes;
    }

    synchronized void bound(int port) {
      forRequest(port);
    }

    synchronized RequestGuard forRequest(int port) {
      if (guard == null) {
        guard = new RequestGuard(host, port, routes.extraHosts(), routes.apiToken());
      }
      return guard;
    }

    /** The guard; every handler runs after the before-handler made it. */
    synchronized RequestGuard get() {
      if (guard == null) {
        throw new IllegalStateException("no request has been checked yet");
      }
      return guard;
    }
  }
}
