package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's authentication and cross-site protection over plain HTTP (the browser tests in
 * the cli module show the same from a real browser): no session, no data; the token opens a session
 * with a strict, HttpOnly cookie; a form post needs the session's CSRF token and this server's
 * origin.
 */
class DashboardRoutesTest {
  private static final ApiToken TOKEN = new ApiToken("alice", "s3cret-token-0123456789");

  @TempDir Path temp;
  private final List<String> performed = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private CairnServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        CairnServer.start(
            "127.0.0.1",
            0,
            new CairnServer.Routes(
                () -> {},
                Json::object,
                Json::array,
                null,
                (action, body, actor) -> {
                  performed.add(action + " " + body.path("environment").asText() + " " + actor);
                  return Json.parse("{\"run\": \"000002-abcdef1\"}");
                },
                TOKEN,
                List.of(),
                new FakeData(temp.resolve("release.log")),
                null));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void withoutASessionEveryPageSendsToTheLoginAndShowsNoData() throws Exception {
    for (String page : List.of("/", "/runs", "/runs/000001-abcdef0", "/history")) {
      HttpResponse<String> answer = get(page, null);
      assertThat(answer.statusCode()).isEqualTo(303);
      assertThat(answer.headers().firstValue("Location")).hasValue("/login");
      assertThat(answer.body()).doesNotContain("production").doesNotContain("abcdef0");
    }
    HttpResponse<String> events = get("/runs/000001-abcdef0/events", null);
    assertThat(events.statusCode()).isEqualTo(401);
    assertThat(events.body()).doesNotContain("build output");
    assertThat(get("/login", null).body()).contains("name=\"token\"");
  }

  @Test
  void aRunPageStreamsTheReleasesOwnOutputAWholeLineAtATimeAndMasked() throws Exception {
    Files.writeString(
        temp.resolve("release.log"), "listening on 8080\nkey=hunter2-secret\nhalf a li");
    String cookie =
        session(logIn(TOKEN.secret(), origin()).headers().firstValue("Set-Cookie").get());

    // As a browser's EventSource asks for it.
    String events =
        client
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/runs/000002-abcdef1/events"))
                    .header("Cookie", cookie)
                    .header("Accept", "text/event-stream")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();

    assertThat(events)
        .contains("--- release output (production)")
        .contains("listening on 8080")
        .contains("key=***")
        .doesNotContain("hunter2-secret")
        .as("an unfinished line is not sent: masking needs whole lines")
        .doesNotContain("half a li")
        .contains("event: end");
  }

  @Test
  void aWrongTokenOpensNoSession() throws Exception {
    HttpResponse<String> answer = logIn("s3cret-token-0123456788", origin());
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(answer.body()).contains("not the API token of this Cairn");
  }

  @Test
  void theTokenOpensASessionWithAStrictHttpOnlyCookie() throws Exception {
    HttpResponse<String> login = logIn(TOKEN.secret(), origin());
    assertThat(login.statusCode()).isEqualTo(303);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("cairn_session=").contains("HttpOnly", "SameSite=Strict");
    HttpResponse<String> overview = get("/", session(cookie));
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("production").contains("name=\"csrf\"");
    assertThat(overview.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'");
    HttpResponse<String> dora = get("/dora", session(cookie));
    assertThat(dora.body()).contains("id=\"dora-data\"").contains("chart.umd.min.js");
    HttpResponse<String> run = get("/runs/000001-abcdef0", session(cookie));
    assertThat(run.body()).contains("flowchart TD").contains("data-state=\"Build\"");
  }

  @Test
  void aLoginFormFromAnotherSiteIsRefused() throws Exception {
    HttpResponse<String> answer = logIn(TOKEN.secret(), "http://evil.example");
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aFormPostNeedsTheSessionsCsrfTokenAndThisServersOrigin() throws Exception {
    String cookie =
        session(logIn(TOKEN.secret(), origin()).headers().firstValue("Set-Cookie").get());
    String page = get("/", cookie).body();
    String csrf = page.replaceFirst("(?s).*name=\"csrf\" value=\"([0-9a-f]+)\".*", "$1");
    assertThat(csrf).matches("[0-9a-f]{64}");

    assertThat(rollback(cookie, "environment=production", origin()).statusCode()).isEqualTo(403);
    assertThat(rollback(cookie, "environment=production&csrf=" + "0".repeat(64), origin()))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(403);
    assertThat(rollback(cookie, "environment=production&csrf=" + csrf, "http://evil.example"))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(403);
    // No Origin at all (and no Sec-Fetch-Site): not known to come from the dashboard.
    assertThat(rollback(cookie, "environment=production&csrf=" + csrf, null))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(403);
    assertThat(rollback(null, "environment=production&csrf=" + csrf, origin()))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(403);
    assertThat(performed).isEmpty();

    HttpResponse<String> done = rollback(cookie, "environment=production&csrf=" + csrf, origin());
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/runs/000002-abcdef1");
    // The actor is the token's, as for the API.
    assertThat(performed).containsExactly("rollback production alice");
  }

  @Test
  void loggingOutEndsTheSession() throws Exception {
    String cookie =
        session(logIn(TOKEN.secret(), origin()).headers().firstValue("Set-Cookie").get());
    String csrf =
        get("/", cookie).body().replaceFirst("(?s).*name=\"csrf\" value=\"([0-9a-f]+)\".*", "$1");
    HttpResponse<String> out = post("/logout", cookie, "csrf=" + csrf, origin());
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(get("/", cookie).statusCode()).isEqualTo(303);
  }

  @Test
  void theAssetsComeFromCairnItself() throws Exception {
    HttpResponse<String> mermaid = get("/assets/mermaid.min.js", null);
    assertThat(mermaid.statusCode()).isEqualTo(200);
    assertThat(mermaid.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    assertThat(mermaid.body().length()).isGreaterThan(1_000_000);
    assertThat(get("/assets/dashboard.js", null).body()).contains("EventSource");
    assertThat(get("/assets/DashboardRoutes.class", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aBodyOverOneMebibyteIsRefused() throws Exception {
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(URI.create(base() + "/hooks/push"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1024 * 1024 + 1)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(413);
  }

  private HttpResponse<String> logIn(String token, String origin) throws Exception {
    return post("/login", null, "token=" + token, origin);
  }

  private HttpResponse<String> rollback(String cookie, String form, String origin)
      throws Exception {
    return post("/ui/rollback", cookie, form, origin);
  }

  private HttpResponse<String> post(String path, String cookie, String form, String origin)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code Cookie} header a browser sends back for a {@code Set-Cookie}. */
  private static String session(String setCookie) {
    return setCookie.split(";", 2)[0];
  }

  private String origin() {
    return base();
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }

  /** One environment and one run that is building. */
  private static final class FakeData implements DashboardData {
    private final Path releaseLog;

    FakeData(Path releaseLog) {
      this.releaseLog = releaseLog;
    }

    private static final String DEFINITION =
        "{\"StartAt\": \"Build\", \"States\": {"
            + "\"Build\": {\"Type\": \"Task\", \"Next\": \"Done\","
            + " \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Failed\"}]},"
            + "\"Failed\": {\"Type\": \"Fail\"}, \"Done\": {\"Type\": \"Succeed\"}}}";

    @Override
    public JsonNode environments() {
      return Json.parse("[{\"name\": \"production\", \"liveCommit\": \"abcdef0\", \"bad\": []}]");
    }

    @Override
    public JsonNode runs() {
      return Json.parse(
          "[{\"id\": \"000001-abcdef0\", \"commit\": \"abcdef0\", \"status\": \"RUNNING\"}]");
    }

    @Override
    public Optional<RunDetail> run(String runId) {
      if (runId.equals("000002-abcdef1")) {
        return Optional.of(
            new RunDetail(
                Json.parse("{\"id\": \"000002-abcdef1\", \"status\": \"SUCCEEDED\"}"),
                DEFINITION,
                List.of()));
      }
      if (!runId.equals("000001-abcdef0")) {
        return Optional.empty();
      }
      return Optional.of(
          new RunDetail(
              runs().get(0), DEFINITION, List.of(new StateEvent("Build", true, Instant.now()))));
    }

    @Override
    public List<Path> logFiles(String runId) {
      return List.of();
    }

    @Override
    public Map<String, Path> releaseOutputs(String runId) {
      return runId.equals("000002-abcdef1") ? Map.of("production", releaseLog) : Map.of();
    }

    @Override
    public String mask(String lines) {
      return lines.replace("hunter2-secret", "***");
    }

    @Override
    public JsonNode history(HistoryFilter filter) {
      return Json.array();
    }

    @Override
    public JsonNode dora() {
      return Json.parse(
          "{\"days\": [\"2026-12-06\", \"2026-12-07\"], \"environments\": [{\"name\":"
              + " \"production\", \"deployments\": [0, 2], \"failureRate\": [null, 50.0],"
              + " \"leadTimeMinutes\": [null, 3], \"restoreMinutes\": [null, null],"
              + " \"summary\": {\"deployments\": 2, \"perDay\": 0.07, \"failureRate\": 50.0,"
              + " \"openFailures\": 0}}]}");
    }

    @Override
    public Optional<String> commitUrl(String commit) {
      return Optional.empty();
    }
  }
}
