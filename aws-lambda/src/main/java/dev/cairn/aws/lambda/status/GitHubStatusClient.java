package dev.cairn.aws.lambda.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Creates commit statuses through GitHub's REST API ({@code POST /repos/{o}/{r}/statuses/{sha}}).
 */
public final class GitHubStatusClient {
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final URI apiBase;
  private final Supplier<String> token;
  private final HttpClient http;

  /**
   * A client.
   *
   * @param apiBase e.g. {@code https://api.github.com}
   * @param token the token, asked for at each call (a rotated secret is picked up)
   */
  public GitHubStatusClient(URI apiBase, Supplier<String> token) {
    this.apiBase = apiBase;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * Creates the status.
   *
   * @throws StatusDeliveryException when GitHub refuses it or cannot be reached
   */
  public void post(CommitStatus status) {
    if (!REPOSITORY.matcher(status.repository()).matches()) {
      throw new StatusDeliveryException("not a repository name: " + status.repository());
    }
    if (!SHA.matcher(status.sha()).matches()) {
      throw new StatusDeliveryException("not a commit id: " + status.sha());
    }
    ObjectNode body = Json.object();
    body.put("state", status.state());
    body.put("context", status.context());
    body.put("description", status.description());
    if (status.targetUrl() != null) {
      body.put("target_url", status.targetUrl());
    }
    String base = apiBase.toString().replaceAll("/+$", "");
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(base + "/repos/" + status.repository() + "/statuses/" + status.sha()))
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("Authorization", "Bearer " + token.get())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new StatusDeliveryException("GitHub unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StatusDeliveryException("interrupted");
    }
    int code = response.statusCode();
    if (code / 100 != 2) {
      throw new StatusDeliveryException(
          "GitHub answered " + code + " for " + status.repository() + "@" + status.sha());
    }
  }
}
