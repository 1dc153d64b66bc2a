package dev.cairn.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.RunEvent.Kind;
import io.micrometer.core.instrument.MockClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
  private final MockClock clock = new MockClock();
  private final PrometheusMetrics metrics = new PrometheusMetrics(clock);

  private void hear(String run, Kind kind, String environment, String message) {
    metrics.runs().event(new RunEvent(run, kind, environment, message));
  }

  private void after(Duration duration) {
    clock.add(duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void phasesAreTimedFromTheEventsThatStartAndEndThem() {
    hear("r1", Kind.RUN_STARTED, null, "");
    after(Duration.ofSeconds(3));
    hear("r1", Kind.BUILD_SUCCEEDED, null, "artifact sha256:x");
    hear("r1", Kind.QUEUED, "production", "waiting for the slot");
    after(Duration.ofSeconds(2));
    hear("r1", Kind.DEPLOY_STARTED, "production", "plan");
    after(Duration.ofMillis(500));
    hear("r1", Kind.MIGRATE_STARTED, "production", "the migration runs");
    after(Duration.ofSeconds(4));
    hear("r1", Kind.MIGRATED, "production", "succeeded");
    after(Duration.ofSeconds(1));
    hear("r1", Kind.SWITCHED, "production", "traffic now goes to abc");
    after(Duration.ofSeconds(10));
    hear("r1", Kind.DEPLOYED, "production", "deployed abc");
    hear("r1", Kind.RUN_ENDED, null, "SUCCEEDED");

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    assertThat(scrape.value("cairn_build_seconds_sum", "outcome", "succeeded")).isEqualTo(3.0);
    assertThat(phase(scrape, "queue_wait")).isEqualTo(2.0);
    assertThat(phase(scrape, "migrate")).isEqualTo(4.0);
    assertThat(phase(scrape, "switch")).as("from the migration's end").isEqualTo(1.0);
    assertThat(phase(scrape, "bake")).isEqualTo(10.0);
    assertThat(
            scrape.value(
                "cairn_deploy_phase_seconds_count", "phase", "bake", "environment", "production"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "cairn_deployments_total", "outcome", "deployed", "environment", "production"))
        .isEqualTo(1.0);
    assertThat(scrape.value("cairn_runs_total", "outcome", "succeeded")).isEqualTo(1.0);
    assertThat(scrape.type("cairn_runs_total")).isEqualTo("counter");
    assertThat(scrape.type("cairn_deploy_phase_seconds")).isEqualTo("summary");
  }

  @Test
  void rollbacksSupersededAndSkippedRunsAreCountedAndTheirCutPhasesNotTimed() {
    hear("r1", Kind.QUEUED, "staging", "");
    hear("r1", Kind.DEPLOY_STARTED, "staging", "");
    hear("r1", Kind.SWITCHED, "staging", "");
    after(Duration.ofSeconds(1));
    hear("r1", Kind.ROLLED_BACK, "staging", "back to abc");
    hear("r1", Kind.RUN_ENDED, null, "FAILED");
    hear("r2", Kind.QUEUED, "staging", "");
    hear("r2", Kind.SUPERSEDED, "staging", "superseded by r3");
    hear("r2", Kind.RUN_ENDED, null, "FAILED");
    hear("r4", Kind.QUEUED, "staging", "");
    hear("r4", Kind.SKIPPED, "staging", "marked bad");
    hear("r4", Kind.RUN_ENDED, null, "SOMETHING_NEW");

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    for (String outcome : new String[] {"rolled_back", "superseded", "skipped"}) {
      assertThat(
              scrape.value("cairn_deployments_total", "outcome", outcome, "environment", "staging"))
          .as(outcome)
          .isEqualTo(1.0);
    }
    assertThat(scrape.value("cairn_runs_total", "outcome", "failed")).isEqualTo(2.0);
    assertThat(scrape.value("cairn_runs_total", "outcome", "other")).isEqualTo(1.0);
    assertThat(
            scrape.has(
                "cairn_deploy_phase_seconds_count", "phase", "bake", "environment", "staging"))
        .as("a bake cut short by its rollback")
        .isFalse();
    assertThat(
            scrape.value(
                "cairn_deploy_phase_seconds_count", "phase", "switch", "environment", "staging"))
        .isEqualTo(1.0);
  }

  @Test
  void theDriversCountsAreExposed() {
    int[] pending = {3};
    metrics.runs().auditPending(() -> pending[0]);
    metrics.runs().webhookDelivered();
    metrics.runs().webhookDelivered();
    metrics.runs().proxyTraffic("production", 5, 1);
    metrics.runs().proxyTraffic("production", 7, 2);
    hear("r1", Kind.AUDIT_FAILED, null, "disk full");

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    assertThat(scrape.value("cairn_audit_pending")).isEqualTo(3.0);
    assertThat(scrape.value("cairn_webhook_deliveries_total")).isEqualTo(2.0);
    assertThat(scrape.value("cairn_proxy_connections_total", "environment", "production"))
        .isEqualTo(7.0);
    assertThat(scrape.value("cairn_proxy_errors_total", "environment", "production"))
        .isEqualTo(2.0);
    assertThat(scrape.value("cairn_audit_failures_total")).isEqualTo(1.0);
    pending[0] = 0;
    assertThat(PrometheusText.parse(metrics.scrape()).value("cairn_audit_pending")).isZero();
  }

  @Test
  void theStrictReaderRefusesWhatPrometheusWould() {
    assertThatThrownBy(() -> PrometheusText.parse("a_total 1")).hasMessageContaining("line feed");
    assertThatThrownBy(() -> PrometheusText.parse("a{b=\"c} 1\n"))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> PrometheusText.parse("a{b=\"c\\x\"} 1\n"))
        .hasMessageContaining("escape");
    assertThatThrownBy(() -> PrometheusText.parse("1a 1\n")).hasMessageContaining("name");
    assertThatThrownBy(() -> PrometheusText.parse("a one\n")).hasMessageContaining("value");
    assertThatThrownBy(() -> PrometheusText.parse("a 1\na 2\n")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE a counter\na_bucket 1\n"))
        .hasMessageContaining("no samples named");
    assertThatThrownBy(
            () -> PrometheusText.parse("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"y\"} 2\n"))
        .hasMessageContaining("apart");
    assertThat(
            PrometheusText.parse("# HELP a x\n# TYPE a gauge\na{b=\"q\\\"\\n\"} -Inf\n")
                .value("a", "b", "q\"\n"))
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }

  private static double phase(PrometheusText scrape, String phase) {
    return scrape.value(
        "cairn_deploy_phase_seconds_sum", "phase", phase, "environment", "production");
  }
}
