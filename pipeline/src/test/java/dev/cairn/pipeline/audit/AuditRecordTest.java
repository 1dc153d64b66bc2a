package dev.cairn.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

  static final String C1 = "3f2a91c0e5d4b3a29180f7e6d5c4b3a291807f6e";
  static final String C0 = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
  static final String TREE = "aaaabbbbccccddddeeeeffff0000111122223333";
  static final Instant AT = Instant.parse("2026-11-26T04:56:37Z");

  static AuditRecord.Builder base(AuditEvent event) {
    return AuditRecord.builder()
        .id("01937a2b-0000-7000-8000-000000000001")
        .event(event)
        .occurredAt(AT)
        .commit(C1)
        .commitSubject("notes: add search\n\nlonger body")
        .cairnVersion("0.1.0");
  }

  @Test
  void everyFieldSurvivesJsonAndTheJsonHasTheDocumentedShape() {
    AuditRecord r =
        base(AuditEvent.DEPLOYMENT_FAILED)
            .startedAt(AT.minusSeconds(5))
            .duration(Duration.ofMillis(4200))
            .run("run-42")
            .trigger(AuditTrigger.manual("ada"))
            .tree(TREE)
            .environment("production")
            .artifact("sha256:" + "ab".repeat(32))
            .previousRelease(C0)
            .error(new AuditError("Cairn.HealthCheckFailed", "GET /health returned 503"))
            .committedAt(AT.minusSeconds(3600))
            .build();

    String json = r.toJson();

    assertThat(AuditRecord.fromJson(json)).isEqualTo(r);
    var node = Json.parse(json);
    assertThat(node.get("schema").asText()).isEqualTo("cairn.audit/v1");
    assertThat(node.get("event").asText()).isEqualTo("deployment-failed");
    assertThat(node.get("occurredAt").asText()).isEqualTo("2026-11-26T04:56:37Z");
    assertThat(node.get("durationMillis").asLong()).isEqualTo(4200);
    assertThat(node.get("trigger").get("kind").asText()).isEqualTo("manual");
    assertThat(node.get("trigger").get("actor").asText()).isEqualTo("ada");
    assertThat(node.get("commitSubject").asText()).isEqualTo("notes: add search");
    assertThat(node.get("error").get("cause").asText()).isEqualTo("GET /health returned 503");
    assertThat(node.get("committedAt").asText()).isEqualTo("2026-11-26T03:56:37Z");
    assertThat(r.path()).isEqualTo("records/2026/11/01937a2b-0000-7000-8000-000000000001.json");
    assertThat(r.details())
        .isEqualTo(
            new AuditDetails.DeploymentFailed(
                AT.minusSeconds(5),
                Duration.ofMillis(4200),
                new AuditError("Cairn.HealthCheckFailed", "GET /health returned 503"),
                C0,
                "sha256:" + "ab".repeat(32)));
  }

  @Test
  void theWireFormatIsOneFlatObjectInTheDocumentedOrder() {
    AuditRecord r =
        base(AuditEvent.DEPLOYED)
            .startedAt(AT.minusSeconds(5))
            .duration(Duration.ofMillis(4200))
            .run("run-42")
            .tree(TREE)
            .environment("production")
            .artifact("sha256:" + "ab".repeat(32))
            .previousRelease(C0)
            .releaseTag("cairn/production/20261126-045637-3f2a91c")
            .committedAt(AT.minusSeconds(3600))
            .build();

    // Records already in users' trails have exactly this shape: it must never change within v1.
    assertThat(r.toJson())
        .isEqualTo(
            """
            {
              "schema" : "cairn.audit/v1",
              "id" : "01937a2b-0000-7000-8000-000000000001",
              "event" : "deployed",
              "occurredAt" : "2026-11-26T04:56:37Z",
              "startedAt" : "2026-11-26T04:56:32Z",
              "durationMillis" : 4200,
              "run" : "run-42",
              "trigger" : {
                "kind" : "automatic"
              },
              "commit" : "%s",
              "tree" : "%s",
              "commitSubject" : "notes: add search",
              "committedAt" : "2026-11-26T03:56:37Z",
              "environment" : "production",
              "artifact" : "sha256:%s",
              "previousRelease" : "%s",
              "releaseTag" : "cairn/production/20261126-045637-3f2a91c",
              "cairnVersion" : "0.1.0"
            }
            """
                .formatted(C1, TREE, "ab".repeat(32), C0));
    assertThat(r.details())
        .isInstanceOfSatisfying(
            AuditDetails.Deployed.class,
            d -> assertThat(d.releaseTag()).isEqualTo("cairn/production/20261126-045637-3f2a91c"));
    assertThat(r.rolledBackTo()).isNull();
  }

  @Test
  void eachEventCarriesOnlyItsOwnFields() {
    assertThatThrownBy(() -> base(AuditEvent.BUILD_FAILED).releaseTag("cairn/x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("releaseTag is not a field of a build-failed record");
    assertThatThrownBy(() -> base(AuditEvent.ROLLED_BACK).supersededBy(C0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("supersededBy is not a field of a rolled-back record");
    AuditRecord manual =
        base(AuditEvent.MANUAL_ACTION)
            .environment("production")
            .action("rollback")
            .rolledBackTo(C0)
            .build();
    assertThat(manual.details()).isEqualTo(new AuditDetails.ManualAction("rollback", C0, false));
    assertThat(manual.rolledBackTo()).isEqualTo(C0);
    assertThat(manual.error()).isNull();
  }

  @Test
  void anUnmergedManualActionAndAnUnsandboxedRunSayItInFieldsOfTheirOwn() {
    AuditRecord manual =
        base(AuditEvent.MANUAL_ACTION)
            .environment("production")
            .action("deploy")
            .trigger(AuditTrigger.manual("ada"))
            .allowUnmerged(true)
            .build();
    AuditRecord run = base(AuditEvent.RUN_STARTED).isolation("none").build();

    var manualJson = Json.parse(manual.toJson());
    assertThat(manualJson.get("allowUnmerged").isBoolean()).isTrue();
    assertThat(manualJson.get("allowUnmerged").asBoolean()).isTrue();
    assertThat(manualJson.get("trigger").get("actor").asText()).isEqualTo("ada");
    assertThat(AuditRecord.fromJson(manual.toJson())).isEqualTo(manual);
    assertThat(manual.details()).isEqualTo(new AuditDetails.ManualAction("deploy", null, true));
    assertThat(manual.subject())
        .isEqualTo("production: deploy 3f2a91c (notes: add search) by ada (allow-unmerged)");
    assertThat(Json.parse(run.toJson()).get("isolation").asText()).isEqualTo("none");
    assertThat(AuditRecord.fromJson(run.toJson())).isEqualTo(run);
    assertThat(run.isolation()).isEqualTo("none");
    assertThat(run.subject())
        .isEqualTo("run started for 3f2a91c (notes: add search) (unsandboxed)");

    // Absent otherwise: merged actions and sandboxed runs keep the shape they always had.
    AuditRecord merged = base(AuditEvent.MANUAL_ACTION).action("deploy").build();
    assertThat(Json.parse(merged.toJson()).has("allowUnmerged")).isFalse();
    assertThat(merged.allowUnmerged()).isFalse();
    AuditRecord sandboxed = base(AuditEvent.RUN_STARTED).build();
    assertThat(Json.parse(sandboxed.toJson()).has("isolation")).isFalse();
    assertThat(sandboxed.subject()).isEqualTo("run started for 3f2a91c (notes: add search)");
    // Each belongs to its own event only.
    assertThatThrownBy(() -> base(AuditEvent.DEPLOYED).allowUnmerged(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowUnmerged is not a field of a deployed record");
    assertThatThrownBy(() -> base(AuditEvent.MANUAL_ACTION).isolation("none").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("isolation is not a field of a manual-action record");
    assertThatThrownBy(
            () ->
                AuditRecord.fromJson(
                    manual.toJson().replace("\"allowUnmerged\" : true", "\"allowUnmerged\" : 1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowUnmerged");
  }

  @Test
  void aStoredRecordWithAFieldItsEventDoesNotCarryStillReads() {
    String json = base(AuditEvent.RUN_STARTED).build().toJson();
    String withForeignField =
        json.replace("\"cairnVersion\"", "\"supersededBy\" : \"" + C0 + "\", \"cairnVersion\"");

    AuditRecord read = AuditRecord.fromJson(withForeignField);

    assertThat(read.event()).isEqualTo(AuditEvent.RUN_STARTED);
    assertThat(read.supersededBy()).isNull();
  }

  @Test
  void absentOptionalFieldsAreAbsentInJson() {
    AuditRecord r = base(AuditEvent.RUN_STARTED).build();
    var node = Json.parse(r.toJson());
    assertThat(node.has("environment")).isFalse();
    assertThat(node.has("error")).isFalse();
    assertThat(node.has("durationMillis")).isFalse();
    assertThat(AuditRecord.fromJson(r.toJson())).isEqualTo(r);
  }

  @Test
  void subjectsReadLikeADeploymentLog() {
    assertThat(
            base(AuditEvent.DEPLOYED)
                .environment("production")
                .duration(Duration.ofMillis(4200))
                .build()
                .subject())
        .isEqualTo("production: deployed 3f2a91c (notes: add search) in 4.2s");
    assertThat(base(AuditEvent.BUILD_SUCCEEDED).duration(Duration.ofSeconds(127)).build().subject())
        .isEqualTo("built 3f2a91c (notes: add search) in 2m07s");
    assertThat(
            base(AuditEvent.DEPLOYMENT_FAILED)
                .environment("staging")
                .duration(Duration.ofMillis(850))
                .error(new AuditError("States.Timeout", "health check timed out"))
                .build()
                .subject())
        .isEqualTo(
            "staging: deployment of 3f2a91c (notes: add search) failed after 850ms: States.Timeout");
    assertThat(
            base(AuditEvent.ROLLED_BACK)
                .environment("production")
                .rolledBackTo(C0)
                .error(new AuditError("Cairn.HealthCheckFailed", null))
                .build()
                .subject())
        .isEqualTo(
            "production: rolled back 3f2a91c (notes: add search) to 1a2b3c4: Cairn.HealthCheckFailed");
    assertThat(
            base(AuditEvent.SUPERSEDED)
                .environment("production")
                .supersededBy(C0)
                .build()
                .subject())
        .isEqualTo("production: skipped 3f2a91c (notes: add search), superseded by 1a2b3c4");
    assertThat(
            base(AuditEvent.MANUAL_ACTION)
                .environment("production")
                .action("rollback")
                .trigger(AuditTrigger.manual("ada"))
                .build()
                .subject())
        .isEqualTo("production: rollback 3f2a91c (notes: add search) by ada");
    assertThat(
            base(AuditEvent.APPROVED)
                .environment("production")
                .trigger(AuditTrigger.manual("bob"))
                .build()
                .subject())
        .isEqualTo("production: approved 3f2a91c (notes: add search) by bob");
  }

  @Test
  void fieldsThatBecomeFileNamesOrTrailersAreChecked() {
    assertThatThrownBy(() -> base(AuditEvent.DEPLOYED).commit("HEAD").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commit");
    assertThatThrownBy(() -> base(AuditEvent.DEPLOYED).environment("prod\nCairn-Event: x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment");
    assertThatThrownBy(() -> base(AuditEvent.DEPLOYED).id("../../etc").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id");
    assertThat(base(AuditEvent.MANUAL_ACTION).action("roll\nback").build().action())
        .isEqualTo("roll back");
  }

  @Test
  void releaseTagsRevertsAndSkippedBadRecordsRoundTripWithTheirSubjects() {
    AuditRecord deployed =
        base(AuditEvent.DEPLOYED)
            .environment("production")
            .releaseTag("cairn/production/20261126-045637-3f2a91c")
            .build();
    AuditRecord reverted =
        base(AuditEvent.REVERTED)
            .environment("production")
            .revertCommit(C0)
            .revertBranch("cairn/revert/3f2a91c")
            .build();
    AuditRecord skipped = base(AuditEvent.SKIPPED_BAD).environment("production").build();

    for (AuditRecord r : new AuditRecord[] {deployed, reverted, skipped}) {
      assertThat(AuditRecord.fromJson(r.toJson())).isEqualTo(r);
    }
    assertThat(Json.parse(deployed.toJson()).get("releaseTag").asText())
        .isEqualTo("cairn/production/20261126-045637-3f2a91c");
    assertThat(reverted.subject())
        .isEqualTo(
            "production: reverted 3f2a91c (notes: add search) on cairn/revert/3f2a91c as 1a2b3c4");
    assertThat(skipped.subject())
        .isEqualTo("production: skipped 3f2a91c (notes: add search), marked bad");
  }

  @Test
  void refNamesAndActorsCannotForgeRefsOrLines() {
    assertThatThrownBy(() -> base(AuditEvent.DEPLOYED).releaseTag("../heads/main").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("releaseTag");
    assertThatThrownBy(() -> base(AuditEvent.DEPLOYED).releaseTag("a/b.lock").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base(AuditEvent.REVERTED).revertBranch("main\nx").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("revertBranch");
    assertThat(
            base(AuditEvent.MANUAL_ACTION)
                .trigger(AuditTrigger.manual("ada\nCairn-Event: deployed"))
                .build()
                .trigger()
                .actor())
        .isEqualTo("ada Cairn-Event: deployed");
  }

  @Test
  void readingRejectsAnotherSchemaAndUnknownEventsButIgnoresUnknownFields() {
    String json = base(AuditEvent.DEPLOYED).build().toJson();
    assertThatThrownBy(() -> AuditRecord.fromJson(json.replace("cairn.audit/v1", "cairn.audit/v2")))
        .hasMessageContaining("unsupported audit record schema: cairn.audit/v2");
    assertThatThrownBy(() -> AuditRecord.fromJson(json.replace("\"deployed\"", "\"exploded\"")))
        .hasMessageContaining("unknown event: exploded");
    assertThat(AuditRecord.fromJson(json.replace("{", "{\"later\": 1,")).event())
        .isEqualTo(AuditEvent.DEPLOYED);
    assertThatThrownBy(() -> AuditRecord.fromJson(json.replace("\"commit\"", "\"commitx\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commit");
  }

  @Test
  void newIdsAreVersion7UuidsOrderedByTime() {
    Clock early = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Clock late = Clock.fixed(Instant.parse("2026-01-01T00:00:01Z"), ZoneOffset.UTC);
    String a = AuditRecord.newId(early);
    String b = AuditRecord.newId(late);
    assertThat(UUID.fromString(a).version()).isEqualTo(7);
    assertThat(UUID.fromString(a).variant()).isEqualTo(2);
    assertThat(a).isLessThan(b).isNotEqualTo(AuditRecord.newId(early));
    assertThat(base(AuditEvent.DEPLOYED).id(a).build().id()).isEqualTo(a);
  }

  @Test
  void theInMemoryLogKeepsAppendOrderAndEachIdOnce() {
    InMemoryAuditLog log = new InMemoryAuditLog();
    AuditRecord a = base(AuditEvent.RUN_STARTED).id(AuditRecord.newId(Clock.systemUTC())).build();
    AuditRecord b =
        base(AuditEvent.BUILD_SUCCEEDED).id(AuditRecord.newId(Clock.systemUTC())).build();
    log.append(a);
    log.append(b);
    log.append(a);
    assertThat(log.records()).containsExactly(a, b);
    assertThat(log.flush().delivered()).isTrue();
  }
}
