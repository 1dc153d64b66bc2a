package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The per-environment deploy queue: applies {@link QueueRules} to the {@link EnvironmentStore}'s
 * state atomically, then answers the waiting tasks through their tokens ({@link TaskTokens}). The
 * same class serves the local loop and the AWS queue function.
 *
 * <p>The state is stored <em>before</em> any token is answered: a run is granted only once the slot
 * is recorded as its own, so two callers can never both grant. If the process dies between the
 * write and the answers, the granted run's queue task is dispatched again (locally after a restart,
 * on AWS by its retry) and finds the slot already its own.
 */
public final class DeployQueue {
  private final EnvironmentStore environments;
  private final RunStore runs;
  private final TaskTokens tokens;
  private final PipelineListener listener;
  private final Predicate<String> runEnded;

  /**
   * A queue.
   *
   * @param environments where each environment's queue is kept
   * @param runs the runs' facts (commit, number, trigger; superseded runs get {@code supersededBy})
   * @param tokens answers the waiting tasks
   * @param listener told of arriving, superseded and skipped runs
   * @param runEnded true for a run whose execution has ended: a slot it still holds is free (it
   *     ended between taking the slot and releasing it, e.g. Cairn stopped)
   */
  public DeployQueue(
      EnvironmentStore environments,
      RunStore runs,
      TaskTokens tokens,
      PipelineListener listener,
      Predicate<String> runEnded) {
    this.environments = environments;
    this.runs = runs;
    this.tokens = tokens;
    this.listener = listener;
    this.runEnded = runEnded;
  }

  /**
   * A run arrives at an environment's queue with its task token: it is granted now, waits, or is
   * superseded or skipped — each answered through its token.
   *
   * @return the replies sent now (the arriving run's among them unless it waits)
   */
  public List<QueueRules.Reply> enqueue(String run, String environment, String token) {
    RunFacts facts = runs.get(run);
    EnvironmentState.Slot arriving =
        new EnvironmentState.Slot(run, facts.sequence(), facts.commit(), token);
    // Before the decision: a grant's deployment-started must follow it (the queue wait's end).
    listener.event(new RunEvent(run, RunEvent.Kind.QUEUED, environment, "waiting for the slot"));
    return apply(environment, state -> QueueRules.enqueue(state, arriving, facts.manual()));
  }

  /** A run's deployment to an environment ended: frees its slot and grants the next run. */
  public List<QueueRules.Reply> release(String run, String environment) {
    return apply(environment, state -> QueueRules.release(state, run));
  }

  private List<QueueRules.Reply> apply(
      String environment, java.util.function.Function<EnvironmentState, QueueRules.Decision> rule) {
    List<QueueRules.Reply> sent = new ArrayList<>();
    QueueRules.Decision decision = decide(environment, rule);
    while (true) {
      String gone = answer(environment, decision.replies(), sent);
      if (gone == null) {
        return sent;
      }
      // The run granted no longer waits (its execution was stopped or timed out): the slot is not
      // its own, give it to the next one.
      decision = decide(environment, state -> QueueRules.release(state, gone));
    }
  }

  /** Decides on the freshest state and stores the result. */
  private QueueRules.Decision decide(
      String environment, java.util.function.Function<EnvironmentState, QueueRules.Decision> rule) {
    QueueRules.Decision[] decided = new QueueRules.Decision[1];
    UnaryOperator<EnvironmentState> change =
        state -> {
          List<QueueRules.Reply> replies = new ArrayList<>();
          EnvironmentState current = state;
          if (current.holder().isPresent() && runEnded.test(current.holder().get().run())) {
            QueueRules.Decision freed = QueueRules.release(current, current.holder().get().run());
            replies.addAll(freed.replies());
            current = freed.state();
          }
          QueueRules.Decision decision = rule.apply(current);
          replies.addAll(decision.replies());
          decided[0] = new QueueRules.Decision(decision.state(), replies);
          return decision.state();
        };
    environments.update(environment, change);
    return decided[0];
  }

  /** Sends the replies; returns the run of a grant whose task was gone, else null. */
  private String answer(
      String environment, List<QueueRules.Reply> replies, List<QueueRules.Reply> sent) {
    String gone = null;
    for (QueueRules.Reply reply : replies) {
      EnvironmentState.Slot slot = reply.slot();
      try {
        if (reply.answer() == QueueRules.Answer.GRANTED) {
          tokens.succeed(slot.token(), granted());
        } else {
          if (reply.by() != null) {
            runs.update(
                slot.run(),
                f -> f.withDeployment(environment, d -> d.withSupersededBy(reply.by())));
          }
          listener.event(
              new RunEvent(
                  slot.run(),
                  reply.answer() == QueueRules.Answer.SKIPPED
                      ? RunEvent.Kind.SKIPPED
                      : RunEvent.Kind.SUPERSEDED,
                  environment,
                  reply.cause()));
          tokens.fail(slot.token(), reply.answer().error().errorName(), reply.cause());
        }
        sent.add(reply);
      } catch (TaskTokens.GoneTokenException e) {
        // A superseded or skipped task that is gone needs nothing more; a grant must move on.
        if (reply.answer() == QueueRules.Answer.GRANTED) {
          gone = slot.run();
        }
      }
    }
    return gone;
  }

  private static ObjectNode granted() {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("granted", true);
    return result;
  }
}
