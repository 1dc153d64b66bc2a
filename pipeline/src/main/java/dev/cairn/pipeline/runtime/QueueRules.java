package dev.cairn.pipeline.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The deploy queue's rules, as pure functions from an environment's state to the next state and the
 * answers to send — the only copy of them, used by the local loop and by the AWS queue function:
 *
 * <ul>
 *   <li>at most one run holds an environment's slot; it keeps it until its record state releases
 *       it, so a rollback runs inside the slot and is never superseded;
 *   <li>when the slot is free, the newest waiting run (highest number) gets it and every other
 *       waiting run is superseded ({@link CairnError#SUPERSEDED});
 *   <li>a run older than the newest run granted or deployed is superseded at once: an older commit
 *       never deploys after a newer one;
 *   <li>a commit marked bad is skipped ({@link CairnError#SKIPPED}), unless the run is manual.
 * </ul>
 */
public final class QueueRules {
  private QueueRules() {}

  /** What to tell a waiting task. */
  public enum Answer {
    /** The run may deploy. */
    GRANTED,
    /** A newer run deploys instead. */
    SUPERSEDED,
    /** The commit is marked bad. */
    SKIPPED;

    /** The error sent with a failure, or null for a grant. */
    public CairnError error() {
      return switch (this) {
        case GRANTED -> null;
        case SUPERSEDED -> CairnError.SUPERSEDED;
        case SKIPPED -> CairnError.SKIPPED;
      };
    }
  }

  /**
   * An answer for one waiting task.
   *
   * @param slot the run and its token
   * @param answer what to tell it
   * @param cause for people (empty for a grant)
   * @param by the commit that superseded it, or null
   */
  public record Reply(EnvironmentState.Slot slot, Answer answer, String cause, String by) {}

  /**
   * The next state and the answers to send once it is stored.
   *
   * @param state the next state
   * @param replies what to tell the tasks, in order
   */
  public record Decision(EnvironmentState state, List<Reply> replies) {}

  /**
   * A run arrives at the queue.
   *
   * @param state the environment's state
   * @param arriving the run and its task token
   * @param manual a manual run: deployed even when marked bad or older than the newest granted
   */
  public static Decision enqueue(
      EnvironmentState state, EnvironmentState.Slot arriving, boolean manual) {
    // The state knows every bad mark: the record step writes them there on both drivers, and a
    // lost or stale state is recovered from the audit trail before runs reach the queue.
    if (!manual && state.isBad(arriving.commit())) {
      return new Decision(
          state,
          List.of(
              new Reply(
                  arriving,
                  Answer.SKIPPED,
                  "commit "
                      + RunFacts.shortId(arriving.commit())
                      + " is marked bad in "
                      + state.environment(),
                  null)));
    }
    if (state.holder().filter(h -> h.run().equals(arriving.run())).isPresent()) {
      // The run's queue task was started again (a retry, or Cairn restarted) while it holds the
      // slot: the slot is its own.
      return new Decision(
          state.withQueue(Optional.of(arriving), state.waiting(), arriving.sequence()),
          List.of(new Reply(arriving, Answer.GRANTED, "", null)));
    }
    long newest = Math.max(state.grantedSequence(), state.deployedSequence());
    if (!manual && newest > arriving.sequence()) {
      String by =
          state
              .holder()
              .filter(h -> h.sequence() > arriving.sequence() && !h.commit().isEmpty())
              .map(EnvironmentState.Slot::commit)
              .orElse(state.lastGood().map(EnvironmentState.LastGood::commit).orElse(null));
      return new Decision(
          state,
          List.of(
              new Reply(
                  arriving, Answer.SUPERSEDED, "a newer commit is deploying or deployed", by)));
    }
    List<EnvironmentState.Slot> waiting = new ArrayList<>(state.waiting());
    // A retried queue task brings a new token: only the newest one can be answered.
    waiting.removeIf(w -> w.run().equals(arriving.run()));
    waiting.add(arriving);
    return pump(state.withQueue(state.holder(), waiting, 0));
  }

  /**
   * A run's deployment to the environment ended (its record state ran, or the run itself ended):
   * frees the slot if the run holds it and grants it to the next run.
   */
  public static Decision release(EnvironmentState state, String run) {
    Optional<EnvironmentState.Slot> holder = state.holder().filter(h -> !h.run().equals(run));
    List<EnvironmentState.Slot> waiting = new ArrayList<>(state.waiting());
    // A run that ends is waiting for nothing any more.
    waiting.removeIf(w -> w.run().equals(run));
    return pump(state.withQueue(holder, waiting, 0));
  }

  /** Grants a free slot to the newest waiting run and supersedes the others. */
  static Decision pump(EnvironmentState state) {
    if (state.holder().isPresent() || state.waiting().isEmpty()) {
      return new Decision(state, List.of());
    }
    EnvironmentState.Slot newest =
        state.waiting().stream()
            .max(Comparator.comparingLong(EnvironmentState.Slot::sequence))
            .orElseThrow();
    List<Reply> replies = new ArrayList<>();
    for (EnvironmentState.Slot other : state.waiting()) {
      if (other != newest) {
        replies.add(
            new Reply(
                other,
                Answer.SUPERSEDED,
                "superseded by " + RunFacts.shortId(newest.commit()),
                newest.commit()));
      }
    }
    replies.add(new Reply(newest, Answer.GRANTED, "", null));
    return new Decision(
        state.withQueue(Optional.of(newest), List.of(), newest.sequence()), replies);
  }
}
