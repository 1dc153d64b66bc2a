package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cli.loop.LoopHarness.Outcome;
import dev.cairn.git.host.FakeGitHub;
import dev.cairn.local.secret.CairnCredentials;
import dev.cairn.pipeline.port.Release;
import dev.cairn.telemetry.metrics.PrometheusText;
import dev.cairn.telemetry.tracing.RunTracer;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An automatic rollback whose last good release is no longer running: it is restarted from its
 * stored artifact; {@code /metrics} and the runs' traces show both runs. (Manual rollback and
 * deploy through the HTTP API are scenarios of the behaviour suite, {@link LocalBehaviourTest}.)
 */
class ManualActionsTest {
  private static final String PRODUCTION = "production";
  private static final String PROXY = "cairn_proxy_connections_total";
  private static final String GITHUB_TOKEN = "ghp_manual-actions-test-token";
  @TempDir Path dir;
  private LoopHarness loop;
  private FakeGitHub github;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
    github = FakeGitHub.start("acme/tiny", GITHUB_TOKEN);
  }

  @AfterEach
  void tearDown() {
    loop.close();
    github.close();
  }

  /** The tiny app, whose /health fails once it has run longer than FAIL_AFTER_SECONDS. */
  private static String appFailingAfterStart() {
    String app =
        LoopHarness.app()
            .replace(
                "import os, http.server\n", "import os, http.server, time\nSTART = time.time()\n")
            .replace(
                "        if self.path == \"/health\":\n",
                "        if self.path == \"/health\" and time.time() - START >"
                    + " float(os.environ.get(\"FAIL_AFTER_SECONDS\", \"1e9\")):\n"
                    + "            self.send_error(500)\n"
                    + "            return\n"
                    + "        if self.path == \"/health\":\n");
    assertThat(app).as("the health failure was added to the app").contains("FAIL_AFTER_SECONDS");
    return app;
  }

  @Test
  void anAutomaticRollbackRestartsTheLastGoodReleaseFromItsArtifactWhenItIsGone() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit good = loop.commit("tiny: good");
    loop.push(good);
    CairnCredentials.open(loop.home).put(CairnCredentials.GIT_TOKEN, GITHUB_TOKEN);
    // A GitHub that limits the first request: statuses are retried and never hold up the run.
    github.failNext(429, java.util.Map.of("Retry-After", "0"));
    loop.start(
        LoopOptions.Security.DEFAULT,
        new GitHubStatuses.Target("acme/tiny", github.uri(), "http://cairn.example.test:7070"));
    assertProduction(loop.awaitRun(good)).isEqualTo("deployed");
    Release live = loop.cairn().deployer().live("production").orElseThrow();

    loop.write("app.py", appFailingAfterStart());
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: mkdir -p out && cp app.py out/",
            "",
            "FAIL_AFTER_SECONDS=1 python3 app.py",
            "5s"));
    // The good release dies as soon as the bad one takes traffic, while the deployment holds
    // production: outside a deployment, supervision would restart it in place.
    loop.onEvent(
        e -> {
          if (e.kind().equals("switched")) {
            ProcessHandle.of(live.pid())
                .ifPresent(
                    process -> {
                      process.descendants().forEach(ProcessHandle::destroyForcibly);
                      process.destroyForcibly();
                    });
          }
        });
    RevCommit bad = loop.commit("tiny: fails after a second");
    loop.push(bad);
    Outcome outcome = loop.awaitRun(bad);

    assertThat(outcome.error()).isEqualTo("Cairn.RolledBack");
    assertThat(loop.version()).contains(good.getName());
    Release back = loop.cairn().deployer().live("production").orElseThrow();
    assertThat(back.id())
        .as("the good release, started again as itself from its artifact")
        .isEqualTo(live.id());
    assertThat(back.port()).isEqualTo(live.port());
    assertThat(back.pid()).as("a new process").isNotEqualTo(live.pid());

    assertMetrics();
    assertTrace(outcome.runId());
    assertGitHub(good.getName(), bad.getName(), outcome.runId());
  }

  /** What GitHub was told: statuses per stage, a deployment per run, the rollback's failure. */
  private void assertGitHub(String good, String bad, String badRun) {
    await("the statuses of both runs reach GitHub")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                github.deployments().stream()
                    .anyMatch(d -> d.sha().equals(bad) && d.states().contains("failure")));
    assertThat(github.requests())
        .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + GITHUB_TOKEN));
    assertThat(statesOf(good, "cairn/build")).containsExactly("pending", "success");
    assertThat(statesOf(good, "cairn/production")).endsWith("success");
    assertThat(statesOf(bad, "cairn/production")).endsWith("failure");
    FakeGitHub.Deployment deployed =
        github.deployments().stream().filter(d -> d.sha().equals(good)).findFirst().orElseThrow();
    assertThat(deployed.states()).endsWith("success");
    assertThat(deployed.environmentUrls().getLast())
        .as("the environment's stable port on the dashboard's host")
        .isEqualTo("http://cairn.example.test:" + loop.appPort + "/");
    FakeGitHub.Deployment rolledBack =
        github.deployments().stream().filter(d -> d.sha().equals(bad)).findFirst().orElseThrow();
    assertThat(rolledBack.run()).isEqualTo(badRun);
    assertThat(rolledBack.states()).startsWith("in_progress").endsWith("failure");
    assertThat(github.statuses())
        .filteredOn(st -> st.sha().equals(bad) && st.state().equals("failure"))
        .extracting(FakeGitHub.Status::targetUrl)
        .containsOnly("http://cairn.example.test:7070/runs/" + badRun);
  }

  private java.util.List<String> statesOf(String sha, String context) {
    return github.statuses().stream()
        .filter(st -> st.sha().equals(sha) && st.context().equals(context))
        .map(FakeGitHub.Status::state)
        .toList();
  }

  /** What Prometheus scrapes after the two runs: a deploy, then a rollback. */
  private void assertMetrics() throws Exception {
    assertThat(loop.metrics(false).statusCode()).as("a scrape without the token").isEqualTo(401);
    // The proxy writes its counts at most once a second: the requests above show up by then.
    PrometheusText scrape =
        await("the proxy's connections are counted")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> PrometheusText.parse(loop.metrics(true).body()),
                s ->
                    s.has(PROXY, "environment", PRODUCTION)
                        && s.value(PROXY, "environment", PRODUCTION) >= 1);
    assertThat(scrape.value("cairn_runs_total", "outcome", "succeeded")).isEqualTo(1);
    assertThat(scrape.value("cairn_runs_total", "outcome", "failed")).isEqualTo(1);
    assertThat(scrape.value("cairn_build_seconds_count", "outcome", "succeeded")).isEqualTo(2);
    assertThat(deployments(scrape, "deployed")).isEqualTo(1);
    assertThat(deployments(scrape, "rolled_back")).isEqualTo(1);
    assertThat(phases(scrape, "queue_wait")).isEqualTo(2);
    assertThat(phases(scrape, "switch")).isEqualTo(2);
    assertThat(phases(scrape, "bake")).as("the failed bake was cut short").isEqualTo(1);
    assertThat(scrape.value("cairn_webhook_deliveries_total"))
        .as("the second push's hook")
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.has("cairn_audit_pending")).isTrue();
    assertThat(scrape.value("cairn_proxy_errors_total", "environment", PRODUCTION)).isNotNegative();
  }

  /** The rolled-back run's trace: one root span, a span per state, the failed bake in error. */
  private void assertTrace(String runId) {
    List<SpanData> spans =
        await("the run's trace is exported")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    loop.spans.getFinishedSpanItems().stream()
                        .filter(s -> runId.equals(s.getAttributes().get(RunTracer.RUN_ID)))
                        .toList(),
                found -> found.stream().anyMatch(s -> s.getName().equals(RunTracer.RUN_SPAN)));
    SpanData root =
        spans.stream()
            .filter(s -> s.getName().equals(RunTracer.RUN_SPAN))
            .findFirst()
            .orElseThrow();
    assertThat(root.getAttributes().get(RunTracer.STATUS)).isEqualTo("FAILED");
    assertThat(root.getStatus().getDescription()).isEqualTo("Cairn.RolledBack");
    assertThat(spans)
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(root.getTraceId()))
        .extracting(SpanData::getName)
        .containsSubsequence(
            "Validate",
            "Build",
            "production: queue",
            "production: plan",
            "production: apply",
            "production: verify",
            "production: rollback");
    SpanData verify =
        spans.stream()
            .filter(s -> s.getName().equals("production: verify"))
            .findFirst()
            .orElseThrow();
    assertThat(verify.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(verify.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(verify.getStatus().getDescription()).isEqualTo("Cairn.VerifyFailed");
  }

  private static double deployments(PrometheusText scrape, String outcome) {
    return scrape.value("cairn_deployments_total", "outcome", outcome, "environment", PRODUCTION);
  }

  private static double phases(PrometheusText scrape, String phase) {
    return scrape.value(
        "cairn_deploy_phase_seconds_count", "phase", phase, "environment", PRODUCTION);
  }
}
