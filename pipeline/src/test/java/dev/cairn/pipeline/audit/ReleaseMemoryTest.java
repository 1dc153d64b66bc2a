package dev.cairn.pipeline.audit;

import static dev.cairn.pipeline.audit.TrailFixture.commit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseMemoryTest {

  private static Duration m(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  @Test
  void deployedIsGoodFailuresAndRollbacksAreBadAndMarkGoodClears() {
    TrailFixture t =
        new TrailFixture()
            .add(AuditEvent.BUILD_SUCCEEDED, null, 'a', m(1), null)
            .add(AuditEvent.DEPLOYED, "production", 'a', m(2), null)
            .add(AuditEvent.DEPLOYED, "production", 'b', m(3), null)
            .add(AuditEvent.DEPLOYMENT_FAILED, "production", 'c', m(4), null)
            .add(AuditEvent.ROLLED_BACK, "production", 'c', m(5), null, commit('b'), null)
            .add(AuditEvent.SUPERSEDED, "production", 'd', m(6), null)
            .add(AuditEvent.DEPLOYED, "staging", 'c', m(7), null)
            .add(AuditEvent.MARKED_BAD, "staging", 'b', m(8), null)
            .add(AuditEvent.MANUAL_ACTION, "staging", 'b', m(9), null, null, "mark-good");

    Map<String, ReleaseMemory.Environment> envs = ReleaseMemory.derive(t.entries);

    ReleaseMemory.Environment production = envs.get("production");
    assertThat(production.lastGood())
        .get()
        .extracting(ReleaseMemory.Release::commit)
        .isEqualTo(commit('b'));
    assertThat(production.lastGood().get().artifact()).isEqualTo("sha256:" + "b".repeat(64));
    assertThat(production.lastGood().get().run()).isEqualTo("run-b");
    assertThat(production.goodHistory()).containsExactly(commit('a'), commit('b'));
    assertThat(production.bad()).containsExactly(commit('c'));
    assertThat(production.isBad(commit('d'))).isFalse();
    assertThat(production.previousGood()).contains(commit('a'));
    ReleaseMemory.Environment staging = envs.get("staging");
    assertThat(staging.bad()).isEmpty();
    assertThat(staging.lastGood().get().commit()).isEqualTo(commit('c'));
    assertThat(envs).containsOnlyKeys("production", "staging");
  }

  @Test
  void aManualRollbackOfTheLastGoodReleaseMovesItBack() {
    TrailFixture t =
        new TrailFixture()
            .add(AuditEvent.DEPLOYED, "production", 'a', m(1), null)
            .add(AuditEvent.DEPLOYED, "production", 'b', m(2), null)
            .add(AuditEvent.ROLLED_BACK, "production", 'b', m(3), null, commit('a'), null);

    ReleaseMemory.Environment production = ReleaseMemory.derive(t.entries).get("production");

    assertThat(production.lastGood().get().commit()).isEqualTo(commit('a'));
    assertThat(production.lastGood().get().run()).isEqualTo("run-a");
    assertThat(production.isBad(commit('b'))).isTrue();
    assertThat(production.previousGood()).isEmpty();
  }
}
