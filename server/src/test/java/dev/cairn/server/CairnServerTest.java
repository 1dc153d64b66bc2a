package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CairnServerTest {
  private static final ApiToken TOKEN = new ApiToken("alice", "0123456789abcdef0123");
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicInteger pushes = new AtomicInteger();

  private CairnServer start(String secret) throws Exception {
    return CairnServer.start(
        "127.0.0.1",
        0,
        new CairnServer.Routes(
            pushes::incrementAndGet,
            () -> Json.parse("{\"environments\": []}"),
            () -> Json.parse("[]"),
            secret,
            (action, body, actor) -> {
              if (!body.has("environment")) {
                throw new IllegalArgumentException("environment is required");
              }
              return Json.parse("{\"run\": \"" + action + "-1\"}");
            },
            TOKEN,
            java.util.List.of()));
  }

  private HttpResponse<String> post(CairnServer server, String body, String signature)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/push"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sign(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anUnsignedPushIsAcceptedWhenNoSecretIsConfigured() throws Exception {
    try (CairnServer server = start(null)) {
      assertThat(post(server, "{}", null).statusCode()).isEqualTo(202);
      assertThat(pushes).hasValue(1);
    }
  }

  @Test
  void aCorrectlySignedPushIsAccepted() throws Exception {
    try (CairnServer server = start("s3cret")) {
      String body = "{\"ref\":\"refs/heads/main\"}";
      assertThat(post(server, body, sign("s3cret", body)).statusCode()).isEqualTo(202);
      assertThat(pushes).hasValue(1);
    }
  }

  @Test
  void badOrMissingSignaturesAreRejectedAndIgnored() throws Exception {
    try (CairnServer server = start("s3cret")) {
      String body = "{\"ref\":\"refs/heads/main\"}";
      assertThat(post(server, body, null).statusCode()).isEqualTo(401);
      assertThat(post(server, body, sign("wrong", body)).statusCode()).isEqualTo(401);
      assertThat(post(server, body, "sha256=zz").statusCode()).isEqualTo(401);
      assertThat(post(server, body + " ", sign("s3cret", body)).statusCode()).isEqualTo(401);
      assertThat(pushes).hasValue(0);
    }
  }

  @Test
  void githubsPingAndRedeliveriesAndGitlabsTokenAreHandledOverHttp() throws Exception {
    try (CairnServer server = start("s3cret")) {
      String body = "{\"zen\":\"Keep it logically awesome.\"}";
      HttpResponse<String> ping =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/hooks/push"))
                  .header("X-GitHub-Event", "ping")
                  .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
                  .header("X-Hub-Signature-256", sign("s3cret", body))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ping.statusCode()).isEqualTo(200);
      assertThat(ping.body()).isEqualTo("{\"pong\":true}");

      HttpRequest push =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/push"))
              .header("X-GitHub-Event", "push")
              .header("X-GitHub-Delivery", "d-1")
              .header("X-Hub-Signature-256", sign("s3cret", "{}"))
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build();
      assertThat(client.send(push, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(202);
      assertThat(client.send(push, HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("{\"duplicate\":true}");

      HttpRequest gitlab =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/push"))
              .header("X-Gitlab-Event", "Push Hook")
              .header("X-Gitlab-Token", "s3cret")
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build();
      assertThat(client.send(gitlab, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(202);
      assertThat(pushes).hasValue(2);
    }
  }

  @Test
  void actionsAnswerTheirResultOrABadRequest() throws Exception {
    try (CairnServer server = start(null)) {
      HttpResponse<String> ok =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/api/deploy"))
                  .header("Authorization", "Bearer " + TOKEN.secret())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"environment\": \"production\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(202);
      assertThat(Json.parse(ok.body()).get("run").asText()).isEqualTo("deploy-1");
      HttpResponse<String> bad =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/api/rollback"))
                  .header("Authorization", "Bearer " + TOKEN.secret())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(Json.parse(bad.body()).get("error").asText()).isEqualTo("environment is required");
    }
  }

  @Test
  void theStatusApiAnswersJson() throws Exception {
    try (CairnServer server = start(null)) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/api/status"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Json.parse(response.body())).isEqualTo(Json.parse("{\"environments\": []}"));
    }
  }

  @Test
  void metricsAreServedOnlyWithTheApiToken() throws Exception {
    try (CairnServer server =
        CairnServer.start(
            "127.0.0.1",
            0,
            new CairnServer.Routes(
                () -> {},
                Json::object,
                () -> Json.parse("[]"),
                null,
                (action, body, actor) -> Json.object(),
                TOKEN,
                java.util.List.of(),
                null,
                () -> "# TYPE cairn_runs_total counter\ncairn_runs_total 1.0\n"))) {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
      HttpResponse<String> anonymous =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(anonymous.body()).doesNotContain("cairn_runs_total");
      HttpResponse<String> wrong =
          client.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer nope").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);

      HttpResponse<String> scraped =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + TOKEN.secret())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.headers().firstValue("Content-Type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      assertThat(scraped.body()).contains("cairn_runs_total 1.0");
    }
  }
}
