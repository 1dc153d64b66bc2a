package dev.cairn.git.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusMessage.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notifier against a fake GitHub API on loopback that checks paths, bodies and the token. */
class GitHubNotifierTest {
  private static final String GOOD = "a".repeat(40);
  private static final String BAD = "b".repeat(40);
  private static final String TOKEN = "ghp_test-token-123";
  private static final GitHubNotifier.Links LINKS =
      new GitHubNotifier.Links("http://127.0.0.1:7070/runs/r1", "http://127.0.0.1:8080/");

  private FakeGitHub github;
  private final List<Duration> waits = new ArrayList<>();
  private GitHubNotifier notifier;

  @BeforeEach
  void start() throws Exception {
    github = FakeGitHub.start("acme/shop", TOKEN);
    notifier =
        new GitHubNotifier(
            new GitHubApi(
                github.uri(),
                "acme/shop",
                () -> TOKEN,
                new GitHubApi.Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                waits::add));
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void aBuildBecomesACommitStatusWithTheRunsLink() {
    notifier.deliver(message("r1", GOOD, null, State.PENDING, "building aaaaaaa"), LINKS);
    notifier.deliver(message("r1", GOOD, null, State.SUCCESS, "built aaaaaaa"), LINKS);

    assertThat(github.statuses())
        .containsExactly(
            new FakeGitHub.Status(
                GOOD, "pending", "cairn/build", "building aaaaaaa", LINKS.runUrl()),
            new FakeGitHub.Status(GOOD, "success", "cairn/build", "built aaaaaaa", LINKS.runUrl()));
    assertThat(github.requests())
        .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    assertThat(github.deployments()).isEmpty();
  }

  @Test
  void aDeploymentGoesInProgressThenSuccessWithTheEnvironmentsAddress() {
    notifier.deliver(message("r1", GOOD, "production", State.PENDING, "deploying"), LINKS);
    notifier.deliver(message("r1", GOOD, "production", State.PENDING, "baking"), LINKS);
    notifier.deliver(message("r1", GOOD, "production", State.SUCCESS, "deployed"), LINKS);

    assertThat(github.states("cairn/production")).containsExactly("pending", "pending", "success");
    assertThat(github.deployments()).hasSize(1);
    FakeGitHub.Deployment deployment = github.deployments().getFirst();
    assertThat(deployment.sha()).isEqualTo(GOOD);
    assertThat(deployment.environment()).isEqualTo("production");
    assertThat(deployment.run()).isEqualTo("r1");
    assertThat(deployment.states()).containsExactly("in_progress", "in_progress", "success");
    assertThat(deployment.environmentUrls().getLast()).isEqualTo(LINKS.environmentUrl());
  }

  @Test
  void aRolledBackDeploymentFailsAndTheOneThatServedStaysLive() {
    deploy("r1", GOOD);
    notifier.deliver(message("r2", BAD, "production", State.PENDING, "deploying"), LINKS);
    notifier.deliver(
        message("r2", BAD, "production", State.FAILURE, "rolled back production: unhealthy"),
        LINKS);

    assertThat(deploymentOf("r1").states()).containsExactly("in_progress", "success");
    assertThat(deploymentOf("r2").states()).containsExactly("in_progress", "failure");
  }

  @Test
  void aNewerSuccessMarksTheDeploymentThatServedBeforeInactive() {
    deploy("r1", GOOD);
    deploy("r2", BAD);
    // A rollback by hand deploys the good commit again in a run of its own.
    deploy("r3", GOOD);

    assertThat(deploymentOf("r1").states()).containsExactly("in_progress", "success", "inactive");
    assertThat(deploymentOf("r2").states()).containsExactly("in_progress", "success", "inactive");
    assertThat(deploymentOf("r3").states()).containsExactly("in_progress", "success");
  }

  @Test
  void aCommitSkippedAsBadGetsAFailedStatusButNoDeployment() {
    notifier.deliver(
        message("r4", BAD, "production", State.FAILURE, "skipped in production: marked bad"),
        LINKS);

    assertThat(github.states("cairn/production")).containsExactly("failure");
    assertThat(github.deployments()).isEmpty();
  }

  @Test
  void aRetriedMessageDoesNotCreateASecondDeployment() {
    notifier.deliver(message("r1", GOOD, "staging", State.PENDING, "deploying"), LINKS);
    notifier.deliver(message("r1", GOOD, "staging", State.PENDING, "deploying"), LINKS);

    assertThat(github.deployments()).hasSize(1);
  }

  @Test
  void serverErrorsAndRateLimitsAreRetriedAfterTheWaitGitHubAsksFor() {
    github.failNext(502, Map.of());
    github.failNext(429, Map.of("Retry-After", "7"));
    github.failNext(403, Map.of("X-RateLimit-Remaining", "0", "Retry-After", "3"));

    assertThat(waits).isEmpty();
    notifier.deliver(message("r1", GOOD, null, State.SUCCESS, "built"), LINKS);

    assertThat(github.states("cairn/build")).containsExactly("success");
    // 502 → back-off 1 s; 429 → its Retry-After; a spent rate limit → its Retry-After.
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(7), Duration.ofSeconds(3));
  }

  @Test
  void aServerThatKeepsFailingGivesUpWithAMessageWithoutTheToken() {
    for (int i = 0; i < 4; i++) {
      github.failNext(503, Map.of());
    }

    assertThatThrownBy(
            () -> notifier.deliver(message("r1", GOOD, null, State.SUCCESS, "built"), LINKS))
        .isInstanceOf(GitHostException.class)
        .hasMessage("GitHub answered 503 to POST /statuses/" + GOOD + ": forced failure")
        .hasMessageNotContaining(TOKEN);
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void aRefusalIsNotRetriedAndARateLimitTooFarAwayIsNotWaitedFor() {
    github.failNext(403, Map.of());
    assertThatThrownBy(
            () -> notifier.deliver(message("r1", GOOD, null, State.SUCCESS, "built"), LINKS))
        .hasMessageStartingWith("GitHub answered 403");
    assertThat(waits).isEmpty();

    github.failNext(429, Map.of("Retry-After", "3600"));
    assertThatThrownBy(
            () -> notifier.deliver(message("r1", GOOD, null, State.SUCCESS, "built"), LINKS))
        .hasMessageEndingWith("the rate limit resets too late to wait for it");
  }

  @Test
  void aWrongTokenIsAnErrorNamingTheAnswer() {
    GitHubNotifier wrong =
        new GitHubNotifier(new GitHubApi(github.uri(), "acme/shop", () -> "ghp_wrong"));

    assertThatThrownBy(
            () -> wrong.deliver(message("r1", GOOD, null, State.SUCCESS, "built"), LINKS))
        .hasMessage("GitHub answered 401 to POST /statuses/" + GOOD + ": Bad credentials")
        .hasMessageNotContaining("ghp_wrong");
  }

  @Test
  void hostileInputNeverReachesAPath() {
    assertThatThrownBy(
            () ->
                notifier.deliver(
                    message("r1", GOOD, "../../admin", State.SUCCESS, "deployed"), LINKS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GitHubApi(github.uri(), "acme/shop/../x", () -> TOKEN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(github.requests()).isEmpty();
  }

  private void deploy(String run, String commit) {
    notifier.deliver(message(run, commit, "production", State.PENDING, "deploying"), LINKS);
    notifier.deliver(message(run, commit, "production", State.SUCCESS, "deployed"), LINKS);
  }

  private FakeGitHub.Deployment deploymentOf(String run) {
    return github.deployments().stream().filter(d -> run.equals(d.run())).findFirst().orElseThrow();
  }

  private static StatusMessage message(
      String run, String commit, String environment, State state, String description) {
    return new StatusMessage(run, commit, environment, state, description, Instant.now());
  }
}
