package dev.cairn.git.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A small client of GitHub's REST API for one repository: JSON in and out, the token asked for at
 * each call (a rotated secret is picked up), and the answers GitHub asks clients to retry handled
 * here once for every caller — a server error (5xx), {@code 429}, and a {@code 403} whose rate
 * limit is spent — with exponential back-off, waiting no longer than {@link Retry#longestWait()}
 * for a rate limit to reset. Other answers fail at once with a {@link GitHostException}.
 */
public final class GitHubApi {
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

  /**
   * How often and how long to retry.
   *
   * @param attempts how many times a request is sent at most (at least 1)
   * @param firstDelay the wait after the first failure; doubled after each further one
   * @param longestWait the longest a rate limit's reset is waited for; a longer one fails the call
   */
  public record Retry(int attempts, Duration firstDelay, Duration longestWait) {
    /** Four attempts, one second doubling, a rate limit waited for up to a minute. */
    public static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(1), Duration.ofMinutes(1));

    /** Checks the values. */
    public Retry {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1");
      }
      Objects.requireNonNull(firstDelay, "firstDelay");
      Objects.requireNonNull(longestWait, "longestWait");
    }
  }

  /** Waits between attempts; tests pass one that does not wait. */
  @FunctionalInterface
  public interface Waiter {
    /** Waits {@code duration}. */
    void await(Duration duration) throws InterruptedException;
  }

  private final URI apiBase;
  private final String repository;
  private final Supplier<String> token;
  private final Retry retry;
  private final Waiter waiter;
  private final HttpClient http;

  /**
   * A client.
   *
   * @param apiBase e.g. {@code https://api.github.com} (GitHub Enterprise: {@code
   *     https://HOST/api/v3})
   * @param repository {@code owner/name}
   * @param token the token, asked for at each call
   * @param retry the retry policy
   * @param waiter how to wait between attempts
   * @throws IllegalArgumentException when the repository is not {@code owner/name}
   */
  public GitHubApi(
      URI apiBase, String repository, Supplier<String> token, Retry retry, Waiter waiter) {
    if (repository == null
        || !REPOSITORY.matcher(repository).matches()
        || java.util.Arrays.stream(repository.split("/")).anyMatch(p -> p.matches("\\.+"))) {
      throw new IllegalArgumentException("not a GitHub repository (owner/name): " + repository);
    }
    this.apiBase = URI.create(apiBase.toString().replaceAll("/+$", ""));
    this.repository = repository;
    this.token = Objects.requireNonNull(token, "token");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.waiter = Objects.requireNonNull(waiter, "waiter");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A client with the default retry policy that waits with {@link Thread#sleep(Duration)}. */
  public GitHubApi(URI apiBase, String repository, Supplier<String> token) {
    this(apiBase, repository, token, Retry.DEFAULT, Thread::sleep);
  }

  /** The repository, {@code owner/name}. */
  public String repository() {
    return repository;
  }

  /**
   * POSTs a JSON body to a path under the repository ({@code /repos/OWNER/NAME}).
   *
   * @param path e.g. {@code /statuses/<sha>}
   * @return the answer's JSON
   * @throws GitHostException when GitHub refuses it or cannot be reached after the retries
   */
  public JsonNode post(String path, JsonNode body) {
    return send("POST", path, Json.write(body));
  }

  /**
   * GETs a path under the repository.
   *
   * @throws GitHostException when GitHub refuses it or cannot be reached after the retries
   */
  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  private JsonNode send(String method, String path, String body) {
    String what = method + " " + path.replaceAll("\\?.*", "");
    Duration delay = retry.firstDelay();
    String last = "not sent";
    for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
      Optional<Duration> wait;
      try {
        HttpResponse<String> response = http.send(request(method, path, body), ofString());
        int code = response.statusCode();
        if (code / 100 == 2) {
          return response.body().isBlank() ? Json.object() : Json.parse(response.body());
        }
        last = "GitHub answered " + code + " to " + what + messageOf(response.body());
        wait = retryAfter(response, delay);
      } catch (IOException e) {
        last = "GitHub unreachable for " + what + " (" + e.getClass().getSimpleName() + ")";
        wait = Optional.of(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHostException("interrupted during " + what);
      }
      if (wait.isEmpty() || attempt == retry.attempts()) {
        break;
      }
      if (wait.get().compareTo(retry.longestWait()) > 0) {
        throw new GitHostException(last + "; the rate limit resets too late to wait for it");
      }
      try {
        waiter.await(wait.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHostException("interrupted during " + what);
      }
      delay = delay.multipliedBy(2);
    }
    throw new GitHostException(last);
  }

  private HttpRequest request(String method, String path, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(apiBase + "/repos/" + repository + path))
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("Authorization", "Bearer " + token.get());
    if (body == null) {
      return builder.GET().build();
    }
    return builder
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  /**
   * How long to wait before retrying this answer, or empty when it must not be retried: server
   * errors after the back-off; 429 and a spent rate limit (403 with {@code x-ratelimit-remaining:
   * 0}) after {@code retry-after} or until {@code x-ratelimit-reset}, else the back-off.
   */
  private static Optional<Duration> retryAfter(HttpResponse<String> response, Duration backOff) {
    int code = response.statusCode();
    if (code >= 500) {
      return Optional.of(backOff);
    }
    boolean limited =
        code == 429
            || (code == 403
                && response.headers().firstValue("x-ratelimit-remaining").orElse("").equals("0"));
    if (!limited) {
      return Optional.empty();
    }
    Optional<Long> seconds =
        response.headers().firstValue("retry-after").flatMap(GitHubApi::number);
    if (seconds.isPresent()) {
      return Optional.of(Duration.ofSeconds(Math.max(0, seconds.get())));
    }
    Optional<Long> reset =
        response.headers().firstValue("x-ratelimit-reset").flatMap(GitHubApi::number);
    if (reset.isPresent()) {
      long until = reset.get() - Instant.now().getEpochSecond();
      return Optional.of(Duration.ofSeconds(Math.max(0, until)));
    }
    return Optional.of(backOff);
  }

  private static Optional<Long> number(String text) {
    try {
      return Optional.of(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** GitHub's own one-line explanation ({@code "message"}), cut short; never headers. */
  private static String messageOf(String body) {
    try {
      String message = Json.parse(body).path("message").asText("");
      if (message.isBlank()) {
        return "";
      }
      String line = message.strip().replaceAll("\\s+", " ");
      return ": " + (line.length() > 160 ? line.substring(0, 159) + "…" : line);
    } catch (RuntimeException e) {
      return "";
    }
  }
}
