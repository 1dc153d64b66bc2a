package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The note on an application commit: every event of every environment, merged in any order. */
class AuditNoteTest {
  private static final Instant T0 = Instant.parse("2026-11-26T04:56:00Z");
  private static final String BAD = "b".repeat(40);
  private static final String GOOD = "a".repeat(40);

  private static AuditRecord.Builder record(AuditEvent event, String environment, long at) {
    return AuditRecord.builder()
        .event(event)
        .occurredAt(T0.plusSeconds(at))
        .run("run-2")
        .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
        .commit(BAD)
        .commitSubject("a bad change")
        .environment(environment)
        .cairnVersion("test");
  }

  private static final AuditError VERIFY = new AuditError("Cairn.VerifyFailed", "3 checks failed");

  private static final List<AuditRecord> ROLLED_BACK =
      List.of(
          record(AuditEvent.BUILD_SUCCEEDED, null, 0).duration(Duration.ofSeconds(2)).build(),
          record(AuditEvent.DEPLOYED, "staging", 10).duration(Duration.ofSeconds(3)).build(),
          record(AuditEvent.DEPLOYMENT_FAILED, "production", 20)
              .duration(Duration.ofSeconds(5))
              .error(VERIFY)
              .build(),
          record(AuditEvent.ROLLED_BACK, "production", 21).rolledBackTo(GOOD).error(VERIFY).build(),
          record(AuditEvent.MARKED_BAD, "production", 22).error(VERIFY).build());

  private static String note(List<AuditRecord> records) {
    String note = null;
    for (AuditRecord r : records) {
      note = AuditNote.merge(note, r);
    }
    return note;
  }

  @Test
  void aRolledBackCommitsNoteKeepsEveryEventOfEachEnvironmentInOrder() {
    String note = note(ROLLED_BACK);

    assertThat(note.lines().map(l -> l.substring(0, l.indexOf(" ["))))
        .containsExactly(
            "build: build-succeeded in 2.0s",
            "staging: deployed in 3.0s",
            "production: deployment-failed in 5.0s: Cairn.VerifyFailed",
            "production: rolled-back to aaaaaaa: Cairn.VerifyFailed",
            "production: marked-bad: Cairn.VerifyFailed");
  }

  @Test
  void mergingIsIdempotentAndIndependentOfOrder() {
    String inOrder = note(ROLLED_BACK);
    List<AuditRecord> shuffled =
        List.of(
            ROLLED_BACK.get(3),
            ROLLED_BACK.get(0),
            ROLLED_BACK.get(4),
            ROLLED_BACK.get(2),
            ROLLED_BACK.get(1),
            ROLLED_BACK.get(3));

    assertThat(note(shuffled)).isEqualTo(inOrder);
    assertThat(AuditNote.merge(inOrder, ROLLED_BACK.get(2))).isSameAs(inOrder);
  }

  @Test
  void linesSomeoneElseWroteAreKept() {
    String note = AuditNote.merge("reviewed by ada\n", ROLLED_BACK.get(0));

    assertThat(note).startsWith("reviewed by ada\nbuild: build-succeeded");
  }
}
