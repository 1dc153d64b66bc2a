package dev.cairn.aws.lambda.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The per-environment deploy queue on AWS: applies {@link QueueDecisions} to the state in S3
 * ({@link S3QueueStore}) by compare-and-swap, then answers the task tokens ({@link TaskTokens}).
 *
 * <p>The state is stored <em>before</em> any token is answered: a run is granted only once the slot
 * is recorded as its own, so two invocations can never both grant. If the invocation dies between
 * the write and the answers, the waiting tasks are not answered; their queue state's timeout (or a
 * person) ends them, and the granted run's retry finds the slot already its own.
 */
public final class DeployQueue {
  private static final int ATTEMPTS = 50;

  private final S3QueueStore store;
  private final TaskTokens tokens;

  /** A queue over {@code store}, answering through {@code tokens}. */
  public DeployQueue(S3QueueStore store, TaskTokens tokens) {
    this.store = store;
    this.tokens = tokens;
  }

  /**
   * A run arrives at the environment's queue: it is granted now, waits, or is superseded or
   * skipped, each answered through its token.
   *
   * @param environment the environment
   * @param arriving the run and its token
   * @param manual a manual run (deployed even when marked bad or older)
   * @param badElsewhere the commit is marked bad in the audit trail
   * @return the answers sent now (the arriving run's among them unless it waits)
   */
  public List<QueueDecisions.Answer> enqueue(
      String environment, QueueState.Slot arriving, boolean manual, boolean badElsewhere) {
    return apply(
        environment, state -> QueueDecisions.enqueue(state, arriving, manual, badElsewhere));
  }

  /**
   * A run's deployment to the environment ended: frees its slot and grants the next run.
   *
   * @param environment the environment
   * @param run the run
   * @param badCommit the run's commit when it was rolled back (marked bad here), else null
   * @return the answers sent
   */
  public List<QueueDecisions.Answer> release(String environment, String run, String badCommit) {
    return apply(environment, state -> QueueDecisions.release(state, run, badCommit));
  }

  /** The environment's queue as stored now. */
  public QueueState state(String environment) {
    return store.read(environment).state();
  }

  private List<QueueDecisions.Answer> apply(
      String environment, Function<QueueState, QueueDecisions.Decision> rule) {
    List<QueueDecisions.Answer> sent = new ArrayList<>();
    QueueDecisions.Decision decision = store(environment, rule);
    while (true) {
      String gone = answer(decision.answers(), sent);
      if (gone == null) {
        return sent;
      }
      // The run granted no longer waits (its execution was stopped or timed out): the slot is not
      // its own, give it to the next one.
      decision = store(environment, state -> QueueDecisions.release(state, gone, null));
    }
  }

  /** Decides on the freshest state and stores the result, reading again after a conflict. */
  private QueueDecisions.Decision store(
      String environment, Function<QueueState, QueueDecisions.Decision> rule) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      S3QueueStore.Versioned read = store.read(environment);
      QueueDecisions.Decision decision = rule.apply(read.state());
      if (decision.state().equals(read.state()) && read.etag() != null) {
        return decision;
      }
      if (store.write(read, decision.state())) {
        return decision;
      }
    }
    throw new IllegalStateException(
        store.describe(environment) + " changed on every attempt: too many writers at once");
  }

  /** Sends the answers; returns the run of a grant whose task was gone, else null. */
  private String answer(List<QueueDecisions.Answer> answers, List<QueueDecisions.Answer> sent) {
    String gone = null;
    for (QueueDecisions.Answer answer : answers) {
      try {
        if (answer.kind() == QueueDecisions.Kind.GRANTED) {
          tokens.succeed(answer.slot().token(), granted());
        } else {
          tokens.fail(answer.slot().token(), answer.kind().error(), answer.cause());
        }
        sent.add(answer);
      } catch (TaskTokens.GoneTokenException e) {
        // A superseded or skipped task that is gone needs nothing more; a grant must move on.
        if (answer.kind() == QueueDecisions.Kind.GRANTED) {
          gone = answer.slot().run();
        }
      }
    }
    return gone;
  }

  private static ObjectNode granted() {
    ObjectNode result = Json.object();
    result.put("granted", true);
    return result;
  }
}
