package dev.cairn.aws.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import dev.cairn.pipeline.runtime.EnvironmentStoreContract;
import dev.cairn.pipeline.runtime.RunStore;
import dev.cairn.pipeline.runtime.RunStoreContract;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The runtime's stores in S3 pass the stores' contracts on moto, whose conditional writes are
 * atomic (the contract's concurrent writers must never overwrite each other); and the jobs' view
 * of an environment never holds the deploy queue's task tokens.
 */
@ExtendWith(MotoExtension.class)
class S3StoresTest {
  private S3Client s3;
  private String bucket;

  @BeforeEach
  void bucket() {
    s3 = EmulatorClients.motoS3();
    bucket = "cairn-stores-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(b -> b.bucket(bucket));
  }

  @Nested
  class Runs extends RunStoreContract {
    @Override
    protected RunStore store() {
      return new S3RunStore(s3, bucket, "notes/");
    }
  }

  @Nested
  class Environments extends EnvironmentStoreContract {
    @Override
    protected EnvironmentStore store() {
      return S3EnvironmentStore.forFunctions(s3, bucket, "notes/");
    }
  }

  @Test
  void theJobsSeeTheLedgerButNeverTheQueuesTokens() {
    S3EnvironmentStore functions = S3EnvironmentStore.forFunctions(s3, bucket, "");
    S3EnvironmentStore jobs = S3EnvironmentStore.forJobs(s3, bucket, "");
    String commit = "a".repeat(40);
    functions.update(
        "production",
        s ->
            s.withQueue(
                Optional.of(new EnvironmentState.Slot("000001-aaaaaaa", 1, commit, "secret-token")),
                List.of(),
                1));
    jobs.update(
        "production",
        s -> s.withLastGood(new EnvironmentState.LastGood(commit, "sha256:1", "", "000001"), 1));

    EnvironmentState seenByJobs = jobs.read("production");
    EnvironmentState seenByFunctions = functions.read("production");

    assertThat(seenByJobs.holder()).isEmpty();
    assertThat(seenByJobs.lastGood()).isPresent();
    assertThat(seenByFunctions.holder()).get().extracting(h -> h.token()).isEqualTo("secret-token");
    assertThat(seenByFunctions.lastGood()).isPresent();
    assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("environments/production.json"))
            .asUtf8String())
        .doesNotContain("secret-token");
    assertThatThrownBy(
            () ->
                jobs.update(
                    "production",
                    s -> s.withQueue(Optional.empty(), List.of(), 5)))
        .hasMessageContaining("do not change the deploy queue");
  }

  @Test
  void aQueueFileOfAnEarlierVersionIsRead() {
    String bad = "b".repeat(40);
    s3.putObject(
        b -> b.bucket(bucket).key("queue/production.json"),
        software.amazon.awssdk.core.sync.RequestBody.fromString(
            "{\"schema\":\"cairn.queue/v1\",\"environment\":\"production\",\"holder\":null,"
                + "\"grantedSequence\":4,\"waiting\":[],\"bad\":[\""
                + bad
                + "\"],\"version\":3}"));

    EnvironmentState state = S3EnvironmentStore.forFunctions(s3, bucket, "").read("production");

    assertThat(state.isBad(bad)).isTrue();
    assertThat(state.grantedSequence()).isEqualTo(4);
  }
}
