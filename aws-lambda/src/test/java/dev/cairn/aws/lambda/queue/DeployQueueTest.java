package dev.cairn.aws.lambda.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.run.RunFacts;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.pipeline.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deploy queue on S3 (S3Mock, conditional writes) with recorded task-token answers: grants,
 * waiting, superseding, skipping bad commits, releasing by the record state, gone tasks, and races
 * between concurrent invocations.
 */
class DeployQueueTest {
  private static final String ENV = "production";

  private final String bucket = "cairn-queue-" + UUID.randomUUID().toString().substring(0, 8);
  private S3Client s3;
  private S3QueueStore store;
  private RecordingTokens tokens;
  private DeployQueue queue;
  private RunFacts facts;

  @BeforeEach
  void setUp() {
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    store = new S3QueueStore(s3, bucket, "notes");
    tokens = new RecordingTokens();
    queue = new DeployQueue(store, tokens);
    facts = new RunFacts(s3, bucket, "notes");
  }

  @AfterEach
  void tearDown() {
    s3.close();
  }

  private static QueueState.Slot run(int sequence) {
    return new QueueState.Slot(
        "r" + sequence,
        sequence,
        ("c" + sequence).repeat(20).substring(0, 40),
        "token-" + sequence);
  }

  @Test
  void theNewestWaitingRunDeploysNextAndTheOlderOnesAreSuperseded() {
    queue.enqueue(ENV, run(1), false, false);
    queue.enqueue(ENV, run(2), false, false);
    queue.enqueue(ENV, run(3), false, false);

    assertThat(tokens.granted()).containsExactly("token-1");
    QueueState waiting = queue.state(ENV);
    assertThat(waiting.holder().orElseThrow().run()).isEqualTo("r1");
    assertThat(waiting.waiting()).extracting(QueueState.Slot::run).containsExactly("r2", "r3");
    // Stored as the documented JSON, under the repository's prefix.
    String stored =
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("notes/queue/production.json"))
            .asUtf8String();
    assertThat(Json.parse(stored).path("schema").asText()).isEqualTo("cairn.queue/v1");

    queue.release(ENV, "r1", null);

    assertThat(tokens.failed("Cairn.Superseded")).containsExactly("token-2");
    assertThat(tokens.granted()).containsExactly("token-1", "token-3");
    assertThat(queue.state(ENV).holder().orElseThrow().run()).isEqualTo("r3");
    assertThat(queue.state(ENV).grantedSequence()).isEqualTo(3);

    // An older run whose build ended late never deploys after a newer one was granted.
    queue.enqueue(ENV, run(2), false, false);
    assertThat(tokens.failed("Cairn.Superseded")).containsExactly("token-2", "token-2");
    queue.release(ENV, "r3", null);
    assertThat(queue.state(ENV).holder()).isEmpty();
    assertThat(queue.state(ENV).grantedSequence()).isEqualTo(3);
  }

  @Test
  void aRolledBackCommitIsSkippedAfterwardsUnlessTheRunIsManual() {
    QueueState.Slot first = run(1);
    queue.enqueue(ENV, first, false, false);
    queue.release(ENV, "r1", first.commit());

    // The same commit again (a new push of it, a later sequence): skipped.
    QueueState.Slot again = new QueueState.Slot("r2", 2, first.commit(), "token-2");
    queue.enqueue(ENV, again, false, false);
    assertThat(tokens.failed("Cairn.Skipped")).containsExactly("token-2");
    assertThat(tokens.calls.get(1).cause()).contains("is marked bad in production");

    QueueState.Slot manual = new QueueState.Slot("r3", 3, first.commit(), "token-3");
    queue.enqueue(ENV, manual, true, false);
    assertThat(tokens.granted()).containsExactly("token-1", "token-3");
  }

  @Test
  void aGrantedRunWhoseTaskIsGoneDoesNotKeepTheSlot() {
    queue.enqueue(ENV, run(1), false, false);
    queue.enqueue(ENV, run(2), false, false);
    queue.enqueue(ENV, run(3), false, false);
    // r3's execution was stopped while it waited: its token no longer answers.
    tokens.gone.add("token-3");

    queue.release(ENV, "r1", null);

    // r3 would have been granted; it is gone, so the slot is free again (r2 was superseded by r3,
    // which is what the rule says: an older commit never deploys after a newer was granted).
    assertThat(tokens.failed("Cairn.Superseded")).containsExactly("token-2");
    assertThat(queue.state(ENV).holder()).isEmpty();
    queue.enqueue(ENV, run(4), false, false);
    assertThat(tokens.granted()).containsExactly("token-1", "token-4");
  }

  @Test
  void theHandlerQueuesWithTheSequenceFromTheRunsFactsAndRejectsBadInput() {
    facts.update(
        "r7",
        f -> {
          f.put("commit", "a".repeat(40));
          f.put("sequence", 7);
        });
    DeployQueueHandler handler =
        new DeployQueueHandler(queue, facts, (repository, environment, commit) -> false);

    var result =
        handler.enqueue(
            Json.parse(
                "{\"run\":{\"id\":\"r7\",\"trigger\":\"push\"},\"environment\":\"production\","
                    + "\"token\":\"secret-token-7\"}"));

    assertThat(result.path("answered").get(0).asText()).isEqualTo("r7: granted");
    assertThat(queue.state(ENV).grantedSequence()).isEqualTo(7);
    assertThat(Json.write(result)).doesNotContain("secret-token-7");
    assertThatThrownBy(
            () ->
                handler.enqueue(
                    Json.parse(
                        "{\"run\":{\"id\":\"r8\",\"commit\":\""
                            + "b".repeat(40)
                            + "\"},\"environment\":\"production\",\"token\":\"secret-token-8\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("run r8 has no sequence number (cairn-validate assigns it)");
    assertThatThrownBy(
            () ->
                handler.enqueue(
                    Json.parse("{\"run\":{\"id\":\"r9\"},\"token\":\"secret-token-9\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the queue's input has no \"environment\"")
        .hasMessageNotContaining("secret-token-9");
  }

  @Test
  void theTrailsBadCommitsAreSkipped() {
    facts.update("r5", f -> f.put("commit", "d".repeat(40)));
    DeployQueueHandler handler =
        new DeployQueueHandler(
            queue, facts, (repository, environment, commit) -> commit.equals("d".repeat(40)));

    handler.enqueue(
        Json.parse(
            "{\"run\":{\"id\":\"r5\",\"sequence\":5,\"repository\":\"octo/notes\"},"
                + "\"environment\":\"production\",\"token\":\"token-5\"}"));

    assertThat(tokens.failed("Cairn.Skipped")).containsExactly("token-5");
    assertThat(queue.state(ENV).grantedSequence()).isZero();
  }

  @Test
  void aStateFileChangedByAPersonIntoSomethingElseIsAClearError() {
    s3.putObject(
        b -> b.bucket(bucket).key("notes/queue/production.json"),
        RequestBody.fromString("{\"holder\": \"r1\"}"));

    assertThatThrownBy(() -> queue.enqueue(ENV, run(1), false, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("notes/queue/production.json is not a deploy queue")
        .hasMessageContaining("not a cairn.queue/v1 document");
    assertThat(tokens.calls).isEmpty();
  }

  @Test
  void aWriteBasedOnAnOutdatedReadIsRefusedByS3() {
    S3QueueStore.Versioned first = store.read(ENV);
    assertThat(store.write(first, QueueState.empty(ENV))).isTrue();
    // Both of these read the same version; only one may write.
    S3QueueStore.Versioned a = store.read(ENV);
    S3QueueStore.Versioned b = store.read(ENV);
    assertThat(store.write(a, QueueState.empty(ENV))).isTrue();
    assertThat(store.write(b, QueueState.empty(ENV))).isFalse();
    // A second first write is refused too (If-None-Match: *).
    assertThat(store.write(first, QueueState.empty(ENV))).isFalse();
  }

  /** Two queue invocations at once on a free slot, five times: each time exactly one is granted. */
  static void assertConcurrentInvocationsGrantExactlyOne(S3QueueStore store) throws Exception {
    for (int round = 0; round < 5; round++) {
      String environment = "race-" + round;
      RecordingTokens recorded = new RecordingTokens();
      List<QueueState.Slot> runs = List.of(run(2 * round + 1), run(2 * round + 2));
      List<Future<?>> done = race(runs, slot -> new DeployQueue(store, recorded), environment);
      for (Future<?> f : done) {
        f.get();
      }

      assertThat(recorded.granted()).as("round %d", round).hasSize(1);
      QueueState state = new DeployQueue(store, recorded).state(environment);
      String holderToken = state.holder().orElseThrow().token();
      assertThat(recorded.granted()).containsExactly(holderToken);
      // The other one either waits for the slot (it is newer) or was superseded (it is older).
      List<String> others = new ArrayList<>();
      state.waiting().forEach(w -> others.add(w.token()));
      others.addAll(recorded.failed("Cairn.Superseded"));
      assertThat(others).hasSize(1).doesNotContain(holderToken);
    }
  }

  /** Eight runs numbered at once get the numbers 1 to 8. */
  static void assertConcurrentNumbersDistinct(RunSequence sequence) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> numbers = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        numbers.add(
            pool.submit(
                () -> {
                  start.await();
                  return sequence.next();
                }));
      }
      start.countDown();
      Set<Long> seen = ConcurrentHashMap.newKeySet();
      for (Future<Long> n : numbers) {
        seen.add(n.get());
      }
      assertThat(seen)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 8).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs one enqueue per run at the same moment. */
  private static List<Future<?>> race(
      List<QueueState.Slot> runs,
      java.util.function.Function<QueueState.Slot, DeployQueue> queues,
      String environment) {
    ExecutorService pool = Executors.newFixedThreadPool(runs.size());
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (QueueState.Slot slot : runs) {
      DeployQueue each = queues.apply(slot);
      Callable<Object> call =
          () -> {
            start.await();
            return each.enqueue(environment, slot, false, false);
          };
      futures.add(pool.submit(call));
    }
    start.countDown();
    pool.shutdown();
    return futures;
  }
}
