package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.runtime.QueueRules.Answer;
import dev.cairn.pipeline.runtime.QueueRules.Decision;
import dev.cairn.pipeline.runtime.QueueRules.Reply;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deploy queue's rules as a table: an environment's state and an arriving (or ending) run → the
 * answers and the next state. The same rules serve the local loop and the AWS queue function.
 */
class QueueRulesTest {
  private static final String ENV = "production";

  private static EnvironmentState.Slot run(int sequence) {
    return new EnvironmentState.Slot(
        "r" + sequence, sequence, "c" + sequence + "0000000", "t" + sequence);
  }

  private static EnvironmentState state(
      EnvironmentState.Slot holder,
      long granted,
      List<EnvironmentState.Slot> waiting,
      List<String> bad) {
    return new EnvironmentState(
        ENV, Optional.empty(), List.of(), bad, Optional.ofNullable(holder), waiting, granted, 0);
  }

  private static String answers(Decision decision) {
    return String.join(
        ", ",
        decision.replies().stream()
            .map(a -> a.slot().run() + " " + a.answer().name().toLowerCase(Locale.ROOT))
            .toList());
  }

  static Stream<Arguments> enqueueTable() {
    return Stream.of(
        // description, state, arriving, manual, answers, holder after, waiting
        // after, granted after
        Arguments.of(
            "free slot: granted",
            state(null, 0, List.of(), List.of()),
            run(1),
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
            "",
            "r1",
            List.of("r2"),
            1L),
        Arguments.of(
            "a newer run already granted: superseded at once",
            state(run(3), 3, List.of(), List.of()),
            run(2),
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
            "r2 superseded",
            null,
            List.of(),
            3L),
        Arguments.of(
            "manual run older than granted: waits anyway",
            state(run(3), 3, List.of(), List.of()),
            run(2),
            true,
            "",
            "r3",
            List.of("r2"),
            3L),
        Arguments.of(
            "commit marked bad here: skipped",
            state(null, 0, List.of(), List.of("c40000000")),
            run(4),
            false,
            "r4 skipped",
            null,
            List.of(),
            0L),
        Arguments.of(
            "manual run of a bad commit: granted",
            state(null, 0, List.of(), List.of("c40000000")),
            run(4),
            true,
            "r4 granted",
            "r4",
            List.of(),
            4L),
        Arguments.of(
            "the holder's queue task again (retry, restart): granted with its new token",
            state(run(5), 5, List.of(run(6)), List.of()),
            new EnvironmentState.Slot("r5", 5, "c50000000", "t5-again"),
            false,
            "r5 granted",
            "r5",
            List.of("r6"),
            5L),
        Arguments.of(
            "a waiting run's queue task again: one entry, the new token",
            state(run(1), 1, List.of(run(2)), List.of()),
            new EnvironmentState.Slot("r2", 2, "c20000000", "t2-again"),
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
      EnvironmentState before,
      EnvironmentState.Slot arriving,
      boolean manual,
      String answers,
      String holderAfter,
      List<String> waitingAfter,
      long grantedAfter) {
    Decision decision = QueueRules.enqueue(before, arriving, manual);

    assertThat(answers(decision)).isEqualTo(answers);
    assertThat(decision.state().holder().map(EnvironmentState.Slot::run).orElse(null))
        .isEqualTo(holderAfter);
    assertThat(decision.state().waiting())
        .extracting(EnvironmentState.Slot::run)
        .isEqualTo(waitingAfter);
    assertThat(decision.state().grantedSequence()).isEqualTo(grantedAfter);
  }

  @Test
  void aRetriedQueueTaskIsAnsweredThroughItsNewToken() {
    // The holder's task again.
    Decision holder =
        QueueRules.enqueue(
            state(run(5), 5, List.of(), List.of()),
            new EnvironmentState.Slot("r5", 5, "c50000000", "t5-again"),
            false);
    assertThat(holder.replies()).extracting(r -> r.slot().token()).containsExactly("t5-again");
    assertThat(holder.state().holder().orElseThrow().token()).isEqualTo("t5-again");
    // A waiting run's task again: granted later through the new token only.
    Decision waiting =
        QueueRules.enqueue(
            state(run(1), 1, List.of(run(2)), List.of()),
            new EnvironmentState.Slot("r2", 2, "c20000000", "t2-again"),
            false);
    Decision released = QueueRules.release(waiting.state(), "r1");
    assertThat(released.replies())
        .extracting(r -> r.slot().token() + " " + r.answer())
        .containsExactly("t2-again GRANTED");
  }

  static Stream<Arguments> releaseTable() {
    return Stream.of(
        // description, state, run ending, answers, holder after, waiting after, granted after
        Arguments.of(
            "holder ends, nobody waits: slot free",
            state(run(1), 1, List.of(), List.of()),
            "r1",
            "",
            null,
            List.of(),
            1L),
        Arguments.of(
            "holder ends: the newest waiting run is granted, the others superseded",
            state(run(1), 1, List.of(run(3), run(2), run(4)), List.of()),
            "r1",
            "r3 superseded, r2 superseded, r4 granted",
            "r4",
            List.of(),
            4L),
        Arguments.of(
            "another run ends (it never held the slot): the holder keeps it",
            state(run(2), 2, List.of(run(3)), List.of()),
            "r1",
            "",
            "r2",
            List.of("r3"),
            2L),
        Arguments.of(
            "a waiting run ends (its execution stopped): it waits no more",
            state(run(2), 2, List.of(run(3)), List.of()),
            "r3",
            "",
            "r2",
            List.of(),
            2L),
        Arguments.of(
            "released twice (a retried record): nothing changes",
            state(null, 2, List.of(), List.of()),
            "r2",
            "",
            null,
            List.of(),
            2L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releaseTable")
  void release(
      String description,
      EnvironmentState before,
      String run,
      String answers,
      String holderAfter,
      List<String> waitingAfter,
      long grantedAfter) {
    Decision decision = QueueRules.release(before, run);

    assertThat(answers(decision)).isEqualTo(answers);
    assertThat(decision.state().holder().map(EnvironmentState.Slot::run).orElse(null))
        .isEqualTo(holderAfter);
    assertThat(decision.state().waiting())
        .extracting(EnvironmentState.Slot::run)
        .isEqualTo(waitingAfter);
    assertThat(decision.state().grantedSequence()).isEqualTo(grantedAfter);
  }

  @Test
  void aRunOlderThanTheDeployedOneIsSupersededByIt() {
    EnvironmentState deployed =
        EnvironmentState.empty(ENV)
            .withLastGood(new EnvironmentState.LastGood("c90000000", "", "", "r9"), 9);

    Decision decision = QueueRules.enqueue(deployed, run(2), false);

    assertThat(answers(decision)).isEqualTo("r2 superseded");
    assertThat(decision.replies().get(0).by()).isEqualTo("c90000000");
  }

  @Test
  void failuresCarryThePipelinesErrorNames() {
    Reply superseded =
        QueueRules.enqueue(state(run(3), 3, List.of(), List.of()), run(2), false).replies().get(0);
    assertThat(superseded.answer().error().errorName()).isEqualTo("Cairn.Superseded");
    assertThat(superseded.cause()).isEqualTo("a newer commit is deploying or deployed");
    assertThat(superseded.by()).isEqualTo("c30000000");
    Reply skipped =
        QueueRules.enqueue(state(null, 0, List.of(), List.of("c40000000")), run(4), false)
            .replies()
            .get(0);
    assertThat(skipped.answer()).isEqualTo(Answer.SKIPPED);
    assertThat(skipped.answer().error().errorName()).isEqualTo("Cairn.Skipped");
    assertThat(skipped.cause()).isEqualTo("commit c400000 is marked bad in production");
    assertThat(Answer.GRANTED.error()).isNull();
  }

  @Test
  void theGrantedSequenceNeverGoesDown() {
    // A manual run older than the newest granted gets the slot; the number stays the newest.
    Decision decision = QueueRules.enqueue(state(null, 7, List.of(), List.of()), run(2), true);
    assertThat(decision.replies()).extracting(Reply::answer).containsExactly(Answer.GRANTED);
    assertThat(decision.state().grantedSequence()).isEqualTo(7);
  }

  @Test
  void aSlotNeverShowsItsToken() {
    assertThat(run(1).toString()).doesNotContain("t1").contains("r1");
  }
}
