package dev.cairn.aws.lambda.queue;

import dev.cairn.pipeline.compile.PipelineCompiler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The deploy queue's rules, as pure functions from a state to the next state and the answers to
 * send (the same rules as the local runtime's queue in {@code PipelineService}):
 *
 * <ul>
 *   <li>at most one run holds an environment's slot; it keeps it until its record state releases
 *       it, so a rollback runs inside the slot and is never superseded;
 *   <li>when the slot is free, the newest waiting run (highest sequence) gets it and every other
 *       waiting run is superseded ({@code Cairn.Superseded});
 *   <li>a run older than the newest run granted is superseded at once: an older commit never
 *       deploys after a newer one was granted;
 *   <li>a commit marked bad (rolled back here, or marked bad in the audit trail) is skipped ({@code
 *       Cairn.Skipped}), unless the run is manual.
 * </ul>
 */
public final class QueueDecisions {
  private QueueDecisions() {}

  /** What to tell a waiting task. */
  public enum Kind {
    /** The run may deploy: SendTaskSuccess. */
    GRANTED,
    /** A newer run deploys instead: SendTaskFailure {@code Cairn.Superseded}. */
    SUPERSEDED,
    /** The commit is marked bad: SendTaskFailure {@code Cairn.Skipped}. */
    SKIPPED;

    /** The error name sent with a failure, or null for a grant. */
    public String error() {
      return switch (this) {
        case GRANTED -> null;
        case SUPERSEDED -> PipelineCompiler.ERROR_SUPERSEDED;
        case SKIPPED -> PipelineCompiler.ERROR_SKIPPED;
      };
    }
  }

  /**
   * An answer for one waiting task.
   *
   * @param slot the run and its token
   * @param kind what to tell it
   * @param cause for people (empty for a grant)
   */
  public record Answer(QueueState.Slot slot, Kind kind, String cause) {}

  /**
   * The next state and the answers to send once it is stored.
   *
   * @param state the next state
   * @param answers what to tell the tasks, in order
   */
  public record Decision(QueueState state, List<Answer> answers) {}

  /**
   * A run arrives at the queue.
   *
   * @param state the environment's queue
   * @param arriving the run and its task token
   * @param manual a manual run: deployed even when marked bad or older than the newest granted
   * @param badElsewhere the commit is marked bad in the audit trail
   */
  public static Decision enqueue(
      QueueState state, QueueState.Slot arriving, boolean manual, boolean badElsewhere) {
    if (!manual && (badElsewhere || state.isBad(arriving.commit()))) {
      return new Decision(
          state,
          List.of(
              new Answer(
                  arriving,
                  Kind.SKIPPED,
                  "commit "
                      + shortId(arriving.commit())
                      + " is marked bad in "
                      + state.environment())));
    }
    if (state.holder().filter(h -> h.run().equals(arriving.run())).isPresent()) {
      // The run's queue task was started again (a retry) while it holds the slot: it is its own.
      QueueState again =
          new QueueState(
              state.environment(),
              Optional.of(arriving),
              state.grantedSequence(),
              state.waiting(),
              state.bad());
      return new Decision(again, List.of(new Answer(arriving, Kind.GRANTED, "")));
    }
    if (!manual && state.grantedSequence() > arriving.sequence()) {
      return new Decision(
          state,
          List.of(
              new Answer(arriving, Kind.SUPERSEDED, "a newer commit is deploying or deployed")));
    }
    List<QueueState.Slot> waiting = new ArrayList<>(state.waiting());
    // A retried queue task brings a new token: only the newest one can be answered.
    waiting.removeIf(w -> w.run().equals(arriving.run()));
    waiting.add(arriving);
    return pump(
        new QueueState(
            state.environment(), state.holder(), state.grantedSequence(), waiting, state.bad()));
  }

  /**
   * A run's deployment to the environment ended (its record state ran): frees the slot if the run
   * holds it and grants it to the next run.
   *
   * @param state the environment's queue
   * @param run the run that ended
   * @param badCommit a commit to mark bad here (the run's, when it was rolled back), or null
   */
  public static Decision release(QueueState state, String run, String badCommit) {
    List<String> bad = new ArrayList<>(state.bad());
    if (badCommit != null && !bad.contains(badCommit)) {
      bad.add(badCommit);
    }
    Optional<QueueState.Slot> holder = state.holder().filter(h -> !h.run().equals(run));
    List<QueueState.Slot> waiting = new ArrayList<>(state.waiting());
    // A run that ends is waiting for nothing any more.
    waiting.removeIf(w -> w.run().equals(run));
    return pump(new QueueState(state.environment(), holder, state.grantedSequence(), waiting, bad));
  }

  /** Grants a free slot to the newest waiting run and supersedes the others. */
  static Decision pump(QueueState state) {
    if (state.holder().isPresent() || state.waiting().isEmpty()) {
      return new Decision(state, List.of());
    }
    QueueState.Slot newest =
        state.waiting().stream().max(Comparator.comparingLong(QueueState.Slot::sequence)).get();
    List<Answer> answers = new ArrayList<>();
    for (QueueState.Slot other : state.waiting()) {
      if (other != newest) {
        answers.add(
            new Answer(other, Kind.SUPERSEDED, "superseded by " + shortId(newest.commit())));
      }
    }
    answers.add(new Answer(newest, Kind.GRANTED, ""));
    QueueState next =
        new QueueState(
            state.environment(),
            Optional.of(newest),
            Math.max(state.grantedSequence(), newest.sequence()),
            List.of(),
            state.bad());
    return new Decision(next, answers);
  }

  private static String shortId(String commit) {
    return commit.length() > 7 ? commit.substring(0, 7) : commit;
  }
}
