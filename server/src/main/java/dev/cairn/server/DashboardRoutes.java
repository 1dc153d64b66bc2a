package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The dashboard's routes, behind the API's authentication: a browser logs in with the API token and
 * gets a session cookie ({@link Sessions}); without one every page sends it to {@code /login} and
 * shows no data. Its deploy and rollback buttons post forms that must carry the session's CSRF
 * token and come from this server's own origin; they act through the same {@link
 * CairnServer.Actions} as the API, as the token's actor.
 *
 * <ul>
 *   <li>{@code GET /login}, {@code POST /login} ({@code token}), {@code POST /logout}
 *   <li>{@code GET /}: environments in promotion order, recent runs
 *   <li>{@code GET /runs}, {@code GET /runs/{id}}, {@code GET /runs/{id}/events} (server-sent
 *       events: the run's state graph and logs, live)
 *   <li>{@code GET /history?environment=&event=&commit=}: the audit trail
 *   <li>{@code GET /dora}: the DORA measures as charts
 *   <li>{@code POST /ui/deploy} ({@code environment}, {@code commit}), {@code POST /ui/rollback}
 *       ({@code environment})
 *   <li>{@code GET /assets/...}: the pages' script, style sheet, Mermaid and Chart.js, served from
 *       Cairn itself (no CDN: the dashboard works offline)
 * </ul>
 */
final class DashboardRoutes {
  /** What a run id looks like; anything else is no run (and never reaches a file name). */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** The assets and their types; nothing else is served from the class path. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "dashboard.css", "text/css; charset=utf-8",
          "dashboard.js", "text/javascript; charset=utf-8",
          "chart.umd.min.js", "text/javascript; charset=utf-8",
          "mermaid.min.js", "text/javascript; charset=utf-8");

  /**
   * Scripts only from this server, no framing, no inline script (Mermaid styles its drawings
   * inline, hence the style exception).
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self';"
          + " base-uri 'none'";

  private final DashboardData data;
  private final CairnServer.Actions actions;
  private final Supplier<RequestGuard> guard;
  private final Sessions sessions = new Sessions(Clock.systemUTC());
  private final DashboardPages pages;
  private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();

  private DashboardRoutes(
      DashboardData data, CairnServer.Actions actions, Supplier<RequestGuard> guard) {
    this.data = data;
    this.actions = actions;
    this.guard = guard;
    this.pages = new DashboardPages(data);
  }

  /** Adds the dashboard's routes. */
  static void register(
      JavalinDefaultRoutingApi routes,
      DashboardData data,
      CairnServer.Actions actions,
      Supplier<RequestGuard> guard) {
    DashboardRoutes dashboard = new DashboardRoutes(data, actions, guard);
    routes.get("/login", ctx -> html(ctx, 200, DashboardPages.login(null)));
    routes.post("/login", dashboard::login);
    routes.post("/logout", dashboard.action(dashboard::logout));
    routes.get("/", dashboard.page(ctx -> dashboard.pages.overview(csrf(ctx))));
    routes.get("/runs", dashboard.page(ctx -> dashboard.pages.runs(csrf(ctx))));
    routes.get("/runs/{id}", dashboard.page(dashboard::runPage));
    routes.get("/history", dashboard.page(dashboard::historyPage));
    routes.get("/dora", dashboard.page(ctx -> dashboard.pages.dora(csrf(ctx))));
    routes.get("/runs/{id}/events", dashboard::events);
    routes.post("/ui/deploy", dashboard.action(ctx -> dashboard.act(ctx, "deploy")));
    routes.post("/ui/rollback", dashboard.action(ctx -> dashboard.act(ctx, "rollback")));
    routes.get("/assets/{name}", dashboard::asset);
  }

  /** A page: rendered for a logged-in browser, otherwise a redirect to the login. */
  private Handler page(PageRenderer renderer) {
    return ctx -> {
      Optional<Sessions.Session> session = session(ctx);
      if (session.isEmpty()) {
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
        return;
      }
      ctx.attribute("csrf", session.get().csrf());
      String body = renderer.render(ctx);
      if (body == null) {
        html(ctx, 404, Html.page("Not found", csrf(ctx), "<h1>Not found</h1>"));
      } else {
        html(ctx, 200, body);
      }
    };
  }

  /**
   * A state-changing form post: needs a session, the session's CSRF token and this server's own
   * origin; anything else is refused with 403 and changes nothing.
   */
  private Handler action(Handler handler) {
    return ctx -> {
      Optional<Sessions.Session> session = session(ctx);
      if (session.isEmpty()) {
        html(ctx, 403, refused("you are not logged in"));
        return;
      }
      if (!guard.get().sameOrigin(ctx::header)) {
        html(ctx, 403, refused("the form was not sent from this dashboard"));
        return;
      }
      if (!Sessions.csrfMatches(session.get(), ctx.formParam("csrf"))) {
        html(ctx, 403, refused("the form's CSRF token is missing or wrong"));
        return;
      }
      ctx.attribute("csrf", session.get().csrf());
      handler.handle(ctx);
    };
  }

  private void login(Context ctx) {
    if (!guard.get().sameOrigin(ctx::header)) {
      html(ctx, 403, refused("the form was not sent from this dashboard"));
      return;
    }
    if (!guard.get().isToken(ctx.formParam("token"))) {
      html(ctx, 401, DashboardPages.login("That is not the API token of this Cairn."));
      return;
    }
    ctx.header("Set-Cookie", Sessions.cookie(sessions.open()));
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    sessions.close(ctx.cookie(Sessions.COOKIE));
    ctx.header("Set-Cookie", Sessions.expiredCookie());
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void act(Context ctx, String action) {
    var request = Json.object();
    request.put("environment", ctx.formParam("environment"));
    String commit = ctx.formParam("commit");
    if (commit != null && !commit.isBlank()) {
      request.put("commit", commit.strip());
    }
    JsonNode result;
    try {
      result = actions.perform(action, request, guard.get().actor());
    } catch (IllegalArgumentException e) {
      html(
          ctx,
          400,
          Html.page(
              "Refused",
              csrf(ctx),
              "<h1>Not done</h1><p class=\"problem\" id=\"problem\">"
                  + Html.esc(e.getMessage())
                  + "</p><p><a href=\"/\">Back</a></p>"));
      return;
    }
    ctx.redirect("/runs/" + result.path("run").asText(), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private String runPage(Context ctx) {
    String id = ctx.pathParam("id");
    if (!RUN_ID.matcher(id).matches()) {
      return null;
    }
    return data.run(id).map(run -> pages.run(csrf(ctx), run)).orElse(null);
  }

  private String historyPage(Context ctx) {
    String commit = blankToNull(ctx.queryParam("commit"));
    if (commit != null && !commit.matches("[0-9a-fA-F]{1,64}")) {
      commit = null;
    }
    return pages.history(
        csrf(ctx),
        new DashboardData.HistoryFilter(
            blankToNull(ctx.queryParam("environment")),
            blankToNull(ctx.queryParam("event")),
            commit == null ? null : commit.toLowerCase(java.util.Locale.ROOT),
            200));
  }

  private void events(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    if (session(ctx).isEmpty()) {
      CairnServer.respond(ctx, 401, CairnServer.errorJson("log in first"));
      return;
    }
    if (!RUN_ID.matcher(id).matches() || data.run(id).isEmpty()) {
      CairnServer.respond(ctx, 404, CairnServer.errorJson("no run " + id));
      return;
    }
    new io.javalin.http.sse.SseHandler(
            client -> {
              try {
                RunEvents.stream(client, data, id);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
        .handle(ctx);
  }

  private void asset(Context ctx) {
    String name = ctx.pathParam("name");
    String type = ASSETS.get(name);
    if (type == null) {
      CairnServer.respond(ctx, 404, CairnServer.errorJson("no asset " + name));
      return;
    }
    byte[] bytes = assetCache.computeIfAbsent(name, DashboardRoutes::readAsset);
    ctx.header("Cache-Control", "max-age=3600").contentType(type).result(bytes);
  }

  private static byte[] readAsset(String name) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream("dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard asset " + name + " is not in the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<Sessions.Session> session(Context ctx) {
    return sessions.find(ctx.cookie(Sessions.COOKIE));
  }

  private static String csrf(Context ctx) {
    return ctx.attribute("csrf");
  }

  private static String refused(String why) {
    return Html.page(
        "Refused",
        null,
        "<h1>Refused</h1><p class=\"problem\" id=\"problem\">"
            + Html.esc(why)
            + "</p><p><a href=\"/\">Go to the dashboard</a></p>");
  }

  private static void html(Context ctx, int status, String page) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
    ctx.status(status).contentType("text/html; charset=utf-8").result(page);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Renders a page, or null for 404. */
  @FunctionalInterface
  private interface PageRenderer {
    String render(Context ctx) throws Exception;
  }
}
