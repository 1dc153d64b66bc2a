package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.audit.InMemoryAuditLog;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import dev.cairn.pipeline.port.SecretStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditRecorderTest {
  private static final String COMMIT = "3f2a91c0e5d4b3a29180f7e6d5c4b3a291807f6e";
  private static final String TREE = "9c1f0e5d4b3a29180f7e6d5c4b3a291807f6e3f2";
  private static final String CANARY = "canary-s3cr3t-7f9d";
  private static final Instant SUBMITTED = Instant.parse("2026-11-26T04:56:00Z");

  private final InMemoryAuditLog log = new InMemoryAuditLog();
  private final List<String> heard = new ArrayList<>();
  private final AuditRecorder recorder =
      new AuditRecorder(
          log,
          "1.2.3",
          secrets(Map.of("api-token", CANARY)),
          event -> heard.add(event.kind().wireName() + " " + event.message()),
          Clock.fixed(Instant.parse("2026-11-26T04:56:37Z"), ZoneOffset.UTC));

  @Test
  void recordingTheSameEventOfARunTwiceKeepsOneRecord() {
    AuditRecorder.Run run = AuditRecorder.Run.of(run("push", null));

    recorder.record(AuditEvent.DEPLOYED, run, "production", null, null, b -> b);
    recorder.record(AuditEvent.DEPLOYED, run, "production", null, null, b -> b);
    recorder.record(AuditEvent.DEPLOYED, run, "staging", null, null, b -> b);
    recorder.record(AuditEvent.DEPLOYMENT_STARTED, run, "production", null, null, b -> b);

    assertThat(log.records())
        .extracting(r -> r.event().wireName() + " " + r.environment())
        .containsExactly(
            "deployed production", "deployed staging", "deployment-started production");
    AuditRecord first = log.records().get(0);
    assertThat(first.commit()).isEqualTo(COMMIT);
    assertThat(first.tree()).isEqualTo(TREE);
    assertThat(first.commitSubject()).isEqualTo("notes: add search");
    assertThat(first.run()).isEqualTo("000001-3f2a91c");
    assertThat(first.cairnVersion()).isEqualTo("1.2.3");
    assertThat(first.trigger()).isEqualTo(AuditTrigger.of(AuditTrigger.Kind.PUSH));
  }

  @Test
  void idsAreStableUuidsOrderedByTheRunsSubmission() {
    String a =
        AuditRecorder.recordId("000001-3f2a91c", SUBMITTED, AuditEvent.DEPLOYED, "prod", null);
    String again =
        AuditRecorder.recordId("000001-3f2a91c", SUBMITTED, AuditEvent.DEPLOYED, "prod", null);
    String otherEvent =
        AuditRecorder.recordId("000001-3f2a91c", SUBMITTED, AuditEvent.ROLLED_BACK, "prod", null);
    String later =
        AuditRecorder.recordId(
            "000002-1a2b3c4", SUBMITTED.plusSeconds(1), AuditEvent.DEPLOYED, "prod", null);

    assertThat(a).isEqualTo(again).isNotEqualTo(otherEvent);
    assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(later).isGreaterThan(a);
  }

  @Test
  void manualRunsCarryTheirActorAndPolicyEventsAreAutomatic() {
    AuditRecorder.Run run = AuditRecorder.Run.of(run("manual", "ada"));

    recorder.record(AuditEvent.RUN_STARTED, run, null, null, null, b -> b);
    recorder.record(
        AuditEvent.ROLLED_BACK, run, "production", AuditRecorder.AUTOMATIC, null, b -> b);

    assertThat(log.records())
        .extracting(AuditRecord::trigger)
        .containsExactly(AuditTrigger.manual("ada"), AuditTrigger.of(AuditTrigger.Kind.AUTOMATIC));
  }

  @Test
  void errorCausesLoseSecretsAndLineBreaksAndAreCut() {
    var error =
        recorder.error(
            "Cairn.BuildFailed",
            "step 'test' failed:\nAPI_TOKEN=" + CANARY + "\n" + "x".repeat(1999));

    assertThat(error.name()).isEqualTo("Cairn.BuildFailed");
    assertThat(error.cause())
        .doesNotContain(CANARY)
        .contains("API_TOKEN=***")
        .doesNotContain("\n")
        .hasSize(AuditRecorder.MAX_CAUSE);
  }

  @Test
  void theLinesOfACauseStayToldApart() {
    var error =
        recorder.error(
            "Cairn.InvalidPipeline",
            "cairn.yml:3:1: unknown key 'bild'\ncairn.yml:1:1: missing required key 'build'\n");

    assertThat(error.cause())
        .isEqualTo(
            "cairn.yml:3:1: unknown key 'bild'; cairn.yml:1:1: missing required key 'build'");
  }

  @Test
  void aRecordThatCannotBeStoredIsReportedNotThrown() {
    AuditRecorder failing =
        new AuditRecorder(
            new AuditLog() {
              @Override
              public void append(AuditRecord record) {
                throw new IllegalStateException("disk full near " + CANARY);
              }

              @Override
              public AuditDeliveryStatus flush() {
                return status();
              }

              @Override
              public AuditDeliveryStatus status() {
                return log.status();
              }

              @Override
              public void close() {}
            },
            "1.2.3",
            secrets(Map.of("api-token", CANARY)),
            event -> heard.add(event.kind().wireName() + " " + event.message()),
            Clock.systemUTC());

    failing.record(
        AuditEvent.DEPLOYED,
        AuditRecorder.Run.of(run("push", null)),
        "production",
        null,
        null,
        b -> b);

    assertThat(heard)
        .singleElement()
        .asString()
        .startsWith("audit-failed the deployed record could not be stored")
        .doesNotContain(CANARY);
  }

  @Test
  void anUnsandboxedDriversRunsAndUnmergedManualActionsSaySoInTheirRecords() {
    PipelineRuntime unsandboxed = runtime("none");
    PipelineRuntime sandboxed = runtime(null);

    unsandboxed.started(run("manual", "ada"));
    unsandboxed.manualDeploy("000001-3f2a91c", "production", true);
    // Another run: records of one run and event share an id, and the log keeps the first.
    sandboxed.started(
        RunFacts.submitted(
            "000002-3f2a91c",
            COMMIT,
            TREE,
            "notes: add search",
            RunFacts.Trigger.MANUAL,
            "ada",
            null,
            2,
            SUBMITTED));
    sandboxed.manualDeploy("000002-3f2a91c", "production");

    List<AuditRecord> records = log.records();
    assertThat(records)
        .extracting(r -> r.event().wireName() + " " + r.isolation() + " " + r.allowUnmerged())
        .containsExactly(
            "run-started none false",
            "manual-action null true",
            "run-started null false",
            "manual-action null false");
    // The person is recorded as who they are; the flag is a field of its own.
    assertThat(records.get(1).trigger().actor()).isEqualTo("ada");
  }

  /** A runtime over in-memory stores recording into {@link #log}, as a driver builds it. */
  private PipelineRuntime runtime(String isolation) {
    return PipelineRuntime.withoutQueue(
        RuntimePorts.builder()
            .runs(new dev.cairn.pipeline.runtime.memory.InMemoryRunStore())
            .environments(new dev.cairn.pipeline.runtime.memory.InMemoryEnvironmentStore())
            .secrets(secrets(Map.of()))
            .audit(log)
            .workDirectory(java.nio.file.Path.of("unused"))
            .cairnVersion("1.2.3")
            .isolation(isolation)
            .build());
  }

  private static RunFacts run(String trigger, String actor) {
    return RunFacts.submitted(
        "000001-3f2a91c",
        COMMIT,
        TREE,
        "notes: add search",
        RunFacts.Trigger.of(trigger),
        actor,
        null,
        1,
        SUBMITTED);
  }

  private static SecretStore secrets(Map<String, String> values) {
    return new SecretStore() {
      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
      }

      @Override
      public void put(String name, String value) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public String getOrGenerate(String name) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public Set<String> values() {
        return Set.copyOf(values.values());
      }
    };
  }
}
