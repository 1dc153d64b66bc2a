package dev.cairn.aws.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.runtime.DeployQueue;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import dev.cairn.pipeline.runtime.EnvironmentStoreContract;
import dev.cairn.pipeline.runtime.QueueRules;
import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.RunStore;
import dev.cairn.pipeline.runtime.RunStoreContract;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 stores ({@link S3RunStore}, {@link S3EnvironmentStore}) pass the core's store contracts on
 * moto's S3, whose conditional writes are atomic as S3's are when started by {@link
 * dev.cairn.aws.testing.Moto} (S3Mock's are not): of two writers that read the same version only
 * one succeeds. Skipped, visibly, without moto_server.
 */
@ExtendWith(MotoExtension.class)
class S3StoresMotoTest {
  private static final String BUCKET =
      "cairn-stores-" + UUID.randomUUID().toString().substring(0, 8);
  private static S3Client s3;

  /** The client, and the bucket created once; every store gets a prefix of its own. */
  private static synchronized S3Client s3() {
    if (s3 == null) {
      s3 = EmulatorClients.motoS3();
      s3.createBucket(b -> b.bucket(BUCKET));
    }
    return s3;
  }

  private static String prefix() {
    return UUID.randomUUID().toString().substring(0, 8) + "/";
  }

  @Nested
  class Runs extends RunStoreContract {
    @Override
    protected RunStore store() {
      return new S3RunStore(s3(), BUCKET, prefix());
    }

    @Test
    void concurrentlyNumberedRunsGetDistinctNumbers() {
      RunStore store = store();
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<CompletableFuture<Long>> numbers =
            IntStream.range(0, 12)
                .mapToObj(i -> CompletableFuture.supplyAsync(store::nextSequence, threads))
                .toList();
        assertThat(numbers.stream().map(CompletableFuture::join))
            .doesNotHaveDuplicates()
            .hasSize(12);
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Nested
  class Environments extends EnvironmentStoreContract {
    @Override
    protected EnvironmentStore store() {
      return S3EnvironmentStore.forFunctions(s3(), BUCKET, prefix());
    }

    @Test
    void theLedgerIsApartFromTheQueueWhoseTokensTheJobsNeverSee() {
      String prefix = prefix();
      S3EnvironmentStore functions = S3EnvironmentStore.forFunctions(s3(), BUCKET, prefix);
      S3EnvironmentStore jobs = S3EnvironmentStore.forJobs(s3(), BUCKET, prefix);
      String commit = "a".repeat(40);
      functions.update(
          "production",
          s ->
              s.withQueue(
                  java.util.Optional.of(
                      new dev.cairn.pipeline.runtime.EnvironmentState.Slot(
                          "000001-aaaaaaa", 1, commit, "secret-token")),
                  java.util.List.of(),
                  1));
      jobs.update("production", s -> s.withBad("b".repeat(40)));

      assertThat(jobs.read("production").holder()).isEmpty();
      assertThat(functions.read("production").holder().orElseThrow().token())
          .isEqualTo("secret-token");
      assertThat(functions.read("production").isBad("b".repeat(40))).isTrue();
      assertThat(
              s3().getObjectAsBytes(
                      b -> b.bucket(BUCKET).key(prefix + "environments/production.json"))
                  .asUtf8String())
          .contains("b".repeat(40))
          .doesNotContain("secret-token");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  jobs.update(
                      "production",
                      s -> s.withQueue(java.util.Optional.empty(), java.util.List.of(), 5)))
          .hasMessageContaining("do not change the deploy queue");
    }

    @Test
    void aQueueFileOfAnEarlierVersionIsRead() {
      String prefix = prefix();
      String bad = "b".repeat(40);
      s3().putObject(
              b -> b.bucket(BUCKET).key(prefix + "queue/production.json"),
              software.amazon.awssdk.core.sync.RequestBody.fromString(
                  "{\"schema\":\"cairn.queue/v1\",\"environment\":\"production\","
                      + "\"holder\":null,\"grantedSequence\":4,\"waiting\":[],\"bad\":[\""
                      + bad
                      + "\"],\"version\":3}"));

      var state = S3EnvironmentStore.forFunctions(s3(), BUCKET, prefix).read("production");

      assertThat(state.isBad(bad)).isTrue();
      assertThat(state.grantedSequence()).isEqualTo(4);
    }

    @Test
    void twoRunsArrivingAtAFreeSlotAtOnceGetItOnceBetweenThem() throws Exception {
      String prefix = prefix();
      S3RunStore runs = new S3RunStore(s3(), BUCKET, prefix);
      Set<String> granted = ConcurrentHashMap.newKeySet();
      List<String> failed = new CopyOnWriteArrayList<>();
      TaskTokens tokens =
          new TaskTokens() {
            @Override
            public void succeed(String token, JsonNode output) {
              granted.add(token);
            }

            @Override
            public void fail(String token, String error, String cause) {
              failed.add(token);
            }
          };
      for (int n = 1; n <= 2; n++) {
        runs.create(
            RunFacts.submitted(
                "r" + n,
                String.valueOf(n).repeat(40),
                null,
                null,
                RunFacts.Trigger.PUSH,
                null,
                null,
                n,
                Instant.EPOCH));
      }
      // Two functions, each with its own queue over the same objects.
      CyclicBarrier together = new CyclicBarrier(2);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<CompletableFuture<List<QueueRules.Reply>>> calls =
            IntStream.rangeClosed(1, 2)
                .mapToObj(
                    n ->
                        CompletableFuture.supplyAsync(
                            () -> {
                              DeployQueue queue =
                                  new DeployQueue(
                                      S3EnvironmentStore.forFunctions(s3(), BUCKET, prefix),
                                      new S3RunStore(s3(), BUCKET, prefix),
                                      tokens,
                                      PipelineListener.NONE,
                                      run -> false);
                              await(together);
                              return queue.enqueue("r" + n, "staging", "token-" + n);
                            },
                            threads))
                .toList();
        calls.forEach(CompletableFuture::join);
      } finally {
        threads.shutdownNow();
      }

      // Whichever came first got the slot; the other waits (newer) or was superseded (older).
      assertThat(granted).hasSize(1);
      var state = S3EnvironmentStore.forFunctions(s3(), BUCKET, prefix).read("staging");
      assertThat(state.holder().orElseThrow().token()).isIn(granted);
      assertThat(state.waiting().size() + failed.size()).isEqualTo(1);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
