package dev.cairn.pipeline.audit;

import static dev.cairn.pipeline.audit.TrailFixture.T0;
import static dev.cairn.pipeline.audit.TrailFixture.commit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DoraMetricsTest {

  private static Duration h(long hours) {
    return Duration.ofHours(hours);
  }

  @Test
  void computesTheFourMeasuresOverThePeriod() {
    TrailFixture t =
        new TrailFixture()
            // before the period: counts for nothing but the trail's state
            .add(AuditEvent.DEPLOYED, "production", 'a', h(-5), h(1))
            // in the period (days 0..2)
            .add(AuditEvent.DEPLOYED, "production", 'b', h(1), h(2))
            .add(AuditEvent.DEPLOYMENT_FAILED, "production", 'c', h(10), h(1))
            .add(AuditEvent.ROLLED_BACK, "production", 'c', h(10), null, commit('b'), null)
            .add(AuditEvent.DEPLOYED, "production", 'd', h(14), h(6))
            .add(AuditEvent.DEPLOYED, "production", 'e', h(20), null)
            .add(AuditEvent.MARKED_BAD, "production", 'e', h(21), null)
            .add(AuditEvent.DEPLOYED, "staging", 'e', h(19), h(3))
            // after the period
            .add(AuditEvent.DEPLOYED, "production", 'f', h(60), h(1));

    Map<String, DoraMetrics> all = DoraMetrics.compute(t.entries, null, T0, T0.plus(h(48)));
    DoraMetrics p = all.get("production");

    assertThat(all).containsOnlyKeys("production", "staging");
    assertThat(p.deployments()).isEqualTo(3); // b, d, e
    assertThat(p.deploymentsPerDay()).isEqualTo(1.5);
    assertThat(p.leadTimeSamples()).isEqualTo(2); // b (2h), d (6h); e has no commit time
    assertThat(p.leadTimeMedian()).contains(h(2));
    assertThat(p.leadTimeP90()).contains(h(6));
    assertThat(p.changes()).isEqualTo(4); // b, c (failed), d, e
    assertThat(p.failedChanges()).isEqualTo(2); // c failed, e marked bad later
    assertThat(p.changeFailureRate()).contains(0.5);
    // c failed at 10h, d deployed at 14h: 4h. e marked bad at 21h, f deployed at 60h: 39h.
    assertThat(p.restores()).isEqualTo(2);
    assertThat(p.timeToRestoreMedian()).contains(h(4));
    assertThat(p.openFailures()).isZero();

    DoraMetrics staging =
        DoraMetrics.compute(t.entries, "staging", T0, T0.plus(h(48))).get("staging");
    assertThat(staging.changeFailureRate()).contains(0.0);
    assertThat(staging.timeToRestoreMedian()).isEmpty();
  }

  @Test
  void aFailureNotYetRestoredIsOpenAndAnEmptyPeriodIsRefused() {
    TrailFixture t =
        new TrailFixture()
            .add(AuditEvent.DEPLOYED, "production", 'a', h(1), null)
            .add(AuditEvent.DEPLOYMENT_FAILED, "production", 'b', h(2), null);

    DoraMetrics p = DoraMetrics.compute(t.entries, null, T0, T0.plus(h(24))).get("production");

    assertThat(p.openFailures()).isEqualTo(1);
    assertThat(p.restores()).isZero();
    assertThat(p.timeToRestoreMedian()).isEmpty();
    assertThat(p.leadTimeMedian()).isEmpty();
    assertThatThrownBy(() -> DoraMetrics.compute(t.entries, null, T0, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the period is empty");
  }
}
