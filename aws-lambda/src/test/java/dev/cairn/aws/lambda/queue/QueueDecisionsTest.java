package dev.cairn.aws.lambda.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.aws.lambda.queue.QueueDecisions.Answer;
import dev.cairn.aws.lambda.queue.QueueDecisions.Decision;
import dev.cairn.aws.lambda.queue.QueueDecisions.Kind;
import dev.cairn.pipeline.json.Json;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The deploy queue's rules as a table: state and arriving run → answers and next state. */
class QueueDecisionsTest {
  private static final String ENV = "production";

  private static QueueState.Slot run(int sequence) {
    return new QueueState.Slot(
        "r" + sequence, sequence, "c" + sequence + "0000000", "t" + sequence);
  }

  private static QueueState state(
      QueueState.Slot holder, long granted, List<QueueState.Slot> waiting, List<String> bad) {
    return new QueueState(ENV, Optional.ofNullable(holder), granted, waiting, bad);
  }

  private static String answers(Decision decision) {
    return String.join(
        ", ",
        decision.answers().stream()
            .map(a -> a.slot().run() + " " + a.kind().name().toLowerCase())
            .toList());
  }

  static Stream<Arguments> enqueueTable() {
    return Stream.of(
        // description, state, arriving, manual, bad in trail, answers, holder after, waiting after,
        // granted after
        Arguments.of(
            "free slot: granted",
            state(null, 0, List.of(), List.of()),
            run(1),
            false,
            false,
            "r1 granted",
            "r1",
            List.of(),
            1L),
        Arguments.of(
            "slot held by an older run: waits",
            state(run(1), 1, List.of(), List.of()),
            run(2),
            false,
            false,
            "",
            "r1",
            List.of("r2"),
            1L),
        Arguments.of(
            "a newer run already granted: superseded at once",
            state(run(3), 3, List.of(), List.of()),
            run(2),
            false,
            false,
            "r2 superseded",
            "r3",
            List.of(),
            3L),
        Arguments.of(
            "newer run granted and finished (slot free): older still superseded",
            state(null, 3, List.of(), List.of()),
            run(2),
            false,
            false,
            "r2 superseded",
            null,
            List.of(),
            3L),
        Arguments.of(
            "manual run older than granted: waits anyway",
            state(run(3), 3, List.of(), List.of()),
            run(2),
            true,
            false,
            "",
            "r3",
            List.of("r2"),
            3L),
        Arguments.of(
            "commit rolled back here: skipped",
            state(null, 0, List.of(), List.of("c40000000")),
            run(4),
            false,
            false,
            "r4 skipped",
            null,
            List.of(),
            0L),
        Arguments.of(
            "commit marked bad in the trail: skipped",
            state(null, 0, List.of(), List.of()),
            run(4),
            false,
            true,
            "r4 skipped",
            null,
            List.of(),
            0L),
        Arguments.of(
            "manual run of a bad commit: granted",
            state(null, 0, List.of(), List.of("c40000000")),
            run(4),
            true,
            true,
            "r4 granted",
            "r4",
            List.of(),
            4L),
        Arguments.of(
            "the holder's queue task again (retry): granted with its new token",
            state(run(5), 5, List.of(run(6)), List.of()),
            new QueueState.Slot("r5", 5, "c50000000", "t5-again"),
            false,
            false,
            "r5 granted",
            "r5",
            List.of("r6"),
            5L),
        Arguments.of(
            "a waiting run's task again: one entry, the new token",
            state(run(1), 1, List.of(run(2)), List.of()),
            new QueueState.Slot("r2", 2, "c20000000", "t2-again"),
            false,
            false,
            "",
            "r1",
            List.of("r2"),
            1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("enqueueTable")
  void enqueue(
      String description,
      QueueState before,
      QueueState.Slot arriving,
      boolean manual,
      boolean badInTrail,
      String answers,
      String holderAfter,
      List<String> waitingAfter,
      long grantedAfter) {
    Decision decision = QueueDecisions.enqueue(before, arriving, manual, badInTrail);

    assertThat(answers(decision)).isEqualTo(answers);
    assertThat(decision.state().holder().map(QueueState.Slot::run).orElse(null))
        .isEqualTo(holderAfter);
    assertThat(decision.state().waiting()).extracting(QueueState.Slot::run).isEqualTo(waitingAfter);
    assertThat(decision.state().grantedSequence()).isEqualTo(grantedAfter);
  }

  static Stream<Arguments> releaseTable() {
    return Stream.of(
        Arguments.of(
            "holder ends, nobody waits: slot free",
            state(run(1), 1, List.of(), List.of()),
            "r1",
            null,
            "",
            null,
            1L,
            List.of()),
        Arguments.of(
            "holder ends: the newest waiting run is granted, the others superseded",
            state(run(1), 1, List.of(run(3), run(2), run(4)), List.of()),
            "r1",
            null,
            "r3 superseded, r2 superseded, r4 granted",
            "r4",
            4L,
            List.of()),
        Arguments.of(
            "holder rolled back: its commit is marked bad, the next is granted",
            state(run(1), 1, List.of(run(2)), List.of()),
            "r1",
            "c10000000",
            "r2 granted",
            "r2",
            2L,
            List.of("c10000000")),
        Arguments.of(
            "another run ends (skipped, never held the slot): the holder keeps it",
            state(run(2), 2, List.of(run(3)), List.of()),
            "r1",
            null,
            "",
            "r2",
            2L,
            List.of()),
        Arguments.of(
            "released twice (a retried record): nothing changes",
            state(null, 2, List.of(), List.of()),
            "r2",
            null,
            "",
            null,
            2L,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releaseTable")
  void release(
      String description,
      QueueState before,
      String run,
      String badCommit,
      String answers,
      String holderAfter,
      long grantedAfter,
      List<String> badAfter) {
    Decision decision = QueueDecisions.release(before, run, badCommit);

    assertThat(answers(decision)).isEqualTo(answers);
    assertThat(decision.state().holder().map(QueueState.Slot::run).orElse(null))
        .isEqualTo(holderAfter);
    assertThat(decision.state().grantedSequence()).isEqualTo(grantedAfter);
    assertThat(decision.state().bad()).isEqualTo(badAfter);
  }

  @Test
  void failuresCarryThePipelinesErrorNames() {
    Answer superseded =
        QueueDecisions.enqueue(state(run(3), 3, List.of(), List.of()), run(2), false, false)
            .answers()
            .get(0);
    assertThat(superseded.kind().error()).isEqualTo("Cairn.Superseded");
    assertThat(superseded.cause()).isEqualTo("a newer commit is deploying or deployed");
    Answer skipped =
        QueueDecisions.enqueue(state(null, 0, List.of(), List.of()), run(4), false, true)
            .answers()
            .get(0);
    assertThat(skipped.kind()).isEqualTo(Kind.SKIPPED);
    assertThat(skipped.kind().error()).isEqualTo("Cairn.Skipped");
    assertThat(skipped.cause()).isEqualTo("commit c400000 is marked bad in production");
    assertThat(Kind.GRANTED.error()).isNull();
  }

  @Test
  void theGrantedSequenceNeverGoesDown() {
    // A manual run older than the newest granted gets the slot; the number stays the newest.
    Decision decision =
        QueueDecisions.enqueue(state(null, 7, List.of(), List.of()), run(2), true, false);
    assertThat(decision.answers()).extracting(Answer::kind).containsExactly(Kind.GRANTED);
    assertThat(decision.state().grantedSequence()).isEqualTo(7);
  }

  @Test
  void theStateRoundTripsThroughJsonWithoutShowingTokens() {
    QueueState state = state(run(1), 1, List.of(run(2), run(3)), List.of("bad0000"));
    assertThat(QueueState.fromJson(Json.parse(Json.write(state.toJson())))).isEqualTo(state);
    assertThat(state.toJson().path("schema").asText()).isEqualTo("cairn.queue/v1");
    assertThat(run(1).toString()).doesNotContain("t1");
  }
}
