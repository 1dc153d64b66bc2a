package dev.cairn.git.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Shows runs on GitHub, from their {@link StatusMessage}s: a commit status per stage (context
 * {@code cairn/build}, {@code cairn/<environment>}) and, for environments, a GitHub Deployment per
 * run and environment with its statuses — {@code in_progress} while Cairn deploys and bakes, {@code
 * success} with the environment's address once deployed, {@code failure} when it was rolled back,
 * and {@code inactive} on the deployment that served before once another succeeded (so a manual
 * rollback leaves the rolled-back release inactive). The same code serves the local loop and the
 * AWS notifier function.
 *
 * <p>It keeps no state: a run's deployment is found again by its payload ({@code {"run": id}}), so
 * a restarted Cairn, a retried SQS message or a second notifier neither loses nor doubles one. A
 * commit skipped as bad in an environment gets a failed commit status but no deployment.
 */
public final class GitHubNotifier {
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final int MAX_DESCRIPTION = 140;

  /**
   * Where people find more.
   *
   * @param runUrl the run's page (the status's and deployment's link), or null
   * @param environmentUrl the environment's address, shown on a successful deployment, or null
   */
  public record Links(String runUrl, String environmentUrl) {
    /** No links. */
    public static final Links NONE = new Links(null, null);
  }

  private final GitHubApi api;

  /** A notifier posting through {@code api}. */
  public GitHubNotifier(GitHubApi api) {
    this.api = Objects.requireNonNull(api, "api");
  }

  /** The repository statuses go to, {@code owner/name}. */
  public String repository() {
    return api.repository();
  }

  /**
   * Posts the commit status and, for an environment, the deployment's status.
   *
   * @throws GitHostException when GitHub refuses a request or stays unreachable (after the API's
   *     retries)
   * @throws IllegalArgumentException when the message names no full commit id or an invalid
   *     environment name
   */
  public void deliver(StatusMessage message, Links links) {
    if (!SHA.matcher(message.commit()).matches()) {
      throw new IllegalArgumentException("not a full commit id: " + message.commit());
    }
    String environment = message.environment();
    if (environment != null && !EnvironmentNames.isValid(environment)) {
      throw new IllegalArgumentException("not a valid environment name; refused");
    }
    ObjectNode status = Json.object();
    status.put("state", message.state().wireName());
    status.put("context", environment == null ? "cairn/build" : "cairn/" + environment);
    status.put("description", oneLine(message.description()));
    if (links.runUrl() != null) {
      status.put("target_url", links.runUrl());
    }
    api.post("/statuses/" + message.commit(), status);
    if (environment != null) {
      deployment(message, links);
    }
  }

  private void deployment(StatusMessage message, Links links) {
    Optional<Long> existing = find(message.run(), message.commit(), message.environment());
    long id;
    switch (message.state()) {
      case PENDING, SUCCESS -> id = existing.orElseGet(() -> create(message));
      default -> {
        if (existing.isEmpty()) {
          return; // skipped as bad, or failed before it was deployed: no deployment to fail
        }
        id = existing.get();
      }
    }
    ObjectNode status = Json.object();
    status.put(
        "state",
        switch (message.state()) {
          case PENDING -> "in_progress";
          case SUCCESS -> "success";
          case FAILURE -> "failure";
          case ERROR -> "error";
        });
    status.put("description", oneLine(message.description()));
    if (links.runUrl() != null) {
      status.put("log_url", links.runUrl());
    }
    if (message.state() == StatusMessage.State.SUCCESS && links.environmentUrl() != null) {
      status.put("environment_url", links.environmentUrl());
    }
    // Cairn says which deployments are inactive itself: GitHub's auto_inactive skips production.
    status.put("auto_inactive", false);
    api.post("/deployments/" + id + "/statuses", status);
    if (message.state() == StatusMessage.State.SUCCESS) {
      retireOthers(message.environment(), id);
    }
  }

  private Optional<Long> find(String run, String commit, String environment) {
    JsonNode list =
        api.get(
            "/deployments?sha=" + commit + "&environment=" + encode(environment) + "&per_page=100");
    for (JsonNode deployment : list) {
      if (run.equals(deployment.path("payload").path("run").asText(null))) {
        return Optional.of(deployment.path("id").asLong());
      }
    }
    return Optional.empty();
  }

  private long create(StatusMessage message) {
    ObjectNode body = Json.object();
    body.put("ref", message.commit());
    body.put("environment", message.environment());
    body.put("description", oneLine(message.description()));
    // Cairn decides what deploys; GitHub must neither merge nor wait for other checks.
    body.put("auto_merge", false);
    body.putArray("required_contexts");
    body.putObject("payload").put("run", message.run());
    JsonNode created = api.post("/deployments", body);
    if (!created.path("id").canConvertToLong()) {
      throw new GitHostException(
          "GitHub created no deployment for " + message.environment() + ": no id in its answer");
    }
    return created.path("id").asLong();
  }

  /**
   * Marks inactive the deployments of the environment that last succeeded, other than {@code id}.
   */
  private void retireOthers(String environment, long id) {
    JsonNode list = api.get("/deployments?environment=" + encode(environment) + "&per_page=10");
    for (JsonNode deployment : list) {
      long other = deployment.path("id").asLong();
      if (other == id) {
        continue;
      }
      JsonNode latest = api.get("/deployments/" + other + "/statuses?per_page=1");
      if (latest.isArray()
          && !latest.isEmpty()
          && "success".equals(latest.get(0).path("state").asText())) {
        ObjectNode inactive = Json.object();
        inactive.put("state", "inactive");
        inactive.put("description", "no longer serves " + environment);
        api.post("/deployments/" + other + "/statuses", inactive);
      }
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_DESCRIPTION
        ? line
        : line.substring(0, MAX_DESCRIPTION - 1) + "\u2026";
  }
}
