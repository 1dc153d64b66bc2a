package dev.cairn.aws.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.EnvironmentStateJson;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Each environment's state in the artifact bucket, in two objects changed by compare-and-swap: the
 * ledger ({@code <prefix>environments/<environment>.json}: last good release, good history, bad
 * commits, newest deployed) and the deploy queue ({@code <prefix>queue/<environment>.json}: the
 * slot's holder, the waiting runs with their task tokens, newest granted). No change of the runtime
 * touches both at once, so each change is one conditional write.
 *
 * <p>The two are apart for a reason of trust: the runner's jobs run the application's own build
 * steps, so their role may not read the queue's task tokens. A store {@link #forJobs for jobs}
 * never reads or writes the queue; the functions' store ({@link #forFunctions}) sees both. An older
 * queue file ({@code cairn.queue/v1}, which also held the bad commits) is read as before.
 */
public final class S3EnvironmentStore implements EnvironmentStore {
  private final S3Objects objects;
  private final String prefix;
  private final boolean queue;

  private S3EnvironmentStore(S3Client s3, String bucket, String prefix, boolean queue) {
    this.objects = new S3Objects(s3, bucket);
    this.prefix = S3Objects.prefix(prefix);
    this.queue = queue;
  }

  /**
   * The store of the functions (validate, queue, plan, record): ledger and queue.
   *
   * @param prefix the repository's key prefix (e.g. {@code notes/}), or empty
   */
  public static S3EnvironmentStore forFunctions(S3Client s3, String bucket, String prefix) {
    return new S3EnvironmentStore(s3, bucket, prefix, true);
  }

  /**
   * The store of the runner's jobs: the ledger only; the queue reads as empty and may not change.
   *
   * @param prefix the repository's key prefix (e.g. {@code notes/}), or empty
   */
  public static S3EnvironmentStore forJobs(S3Client s3, String bucket, String prefix) {
    return new S3EnvironmentStore(s3, bucket, prefix, false);
  }

  /** The key of an environment's ledger; the name is checked before it becomes part of a key. */
  public String ledgerKey(String environment) {
    return prefix + "environments/" + EnvironmentNames.require(environment) + ".json";
  }

  /** The key of an environment's deploy queue. */
  public String queueKey(String environment) {
    return prefix + "queue/" + EnvironmentNames.require(environment) + ".json";
  }

  @Override
  public EnvironmentState read(String environment) {
    return merge(environment, objects.read(ledgerKey(environment)), queueOf(environment));
  }

  @Override
  public EnvironmentState update(String environment, UnaryOperator<EnvironmentState> change) {
    for (int attempt = 0; attempt < 50; attempt++) {
      S3Objects.Versioned ledger = objects.read(ledgerKey(environment));
      S3Objects.Versioned queued = queueOf(environment);
      EnvironmentState before = merge(environment, ledger, queued);
      EnvironmentState after = change.apply(before);
      boolean ledgerChanged = !ledgerPart(after).equals(ledgerPart(before));
      boolean queueChanged = !queuePart(after).equals(queuePart(before));
      if (queueChanged && !queue) {
        throw new IllegalStateException(
            "the runner's jobs do not change the deploy queue of " + environment);
      }
      boolean written =
          (!ledgerChanged || write(ledgerKey(environment), ledger, ledgerPart(after)))
              && (!queueChanged || write(queueKey(environment), queued, queuePart(after)));
      if (written) {
        return after;
      }
    }
    throw new IllegalStateException(
        objects.describe(ledgerKey(environment)) + " changed on every attempt: too many writers");
  }

  private S3Objects.Versioned queueOf(String environment) {
    return queue
        ? objects.read(queueKey(environment))
        : new S3Objects.Versioned(Optional.empty(), null);
  }

  private boolean write(String key, S3Objects.Versioned read, ObjectNode part) {
    part.put("version", read.json().map(j -> j.path("version").asLong(0)).orElse(0L) + 1);
    return objects.writeIfUnchanged(key, read.etag(), part);
  }

  private static EnvironmentState merge(
      String environment, S3Objects.Versioned ledger, S3Objects.Versioned queued) {
    EnvironmentState fromLedger =
        ledger
            .json()
            .map(j -> EnvironmentStateJson.read(environment, j))
            .orElseGet(() -> EnvironmentState.empty(environment));
    EnvironmentState fromQueue =
        queued
            .json()
            .map(j -> EnvironmentStateJson.read(environment, j))
            .orElseGet(() -> EnvironmentState.empty(environment));
    // Queue files of earlier versions held the bad commits too.
    EnvironmentState state = fromLedger;
    for (String bad : fromQueue.bad()) {
      state = state.withBad(bad);
    }
    return state.withQueue(fromQueue.holder(), fromQueue.waiting(), fromQueue.grantedSequence());
  }

  private static ObjectNode ledgerPart(EnvironmentState state) {
    ObjectNode json =
        EnvironmentStateJson.write(
            new EnvironmentState(
                state.environment(),
                state.lastGood(),
                state.goodHistory(),
                state.bad(),
                Optional.empty(),
                List.of(),
                0,
                state.deployedSequence()));
    json.remove(List.of("holder", "waiting", "grantedSequence"));
    return json;
  }

  private static ObjectNode queuePart(EnvironmentState state) {
    ObjectNode json =
        EnvironmentStateJson.write(
            new EnvironmentState(
                state.environment(),
                Optional.empty(),
                List.of(),
                List.of(),
                state.holder(),
                state.waiting(),
                state.grantedSequence(),
                0));
    json.remove(List.of("lastGood", "goodHistory", "bad", "deployedSequence"));
    return json;
  }
}
