package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code cairn status} says about the audit trail, from CAIRN_HOME alone. */
class StatusCommandAuditTest {
  @TempDir Path home;

  @Test
  void pendingRecordsAreCountedInTheOutboxAndTheLastReportIsShown() throws Exception {
    Path outbox = Files.createDirectories(home.resolve("audit").resolve("outbox"));
    Files.writeString(
        outbox.resolve("0000000000000000001-01a21683-3f88-8a69-99f4-ff992382d2f3.json"), "{}");
    Files.writeString(
        outbox.resolve("0000000000000000002-01a21683-3f88-8a69-99f4-ff992382d2f4.json"), "{}");
    Files.writeString(outbox.resolve(".lock"), "");
    Files.writeString(outbox.resolve("leftover.json.tmp"), "");
    Files.writeString(
        home.resolve("audit").resolve("status.json"),
        "{\"enabled\": true, \"pending\": 0, \"consecutiveFailures\": 3,"
            + " \"lastError\": \"Cannot deliver audit records to /srv/app.git: not found\"}");

    ObjectNode audit = StatusCommand.auditStatus(home);

    assertThat(audit.path("enabled").asBoolean()).isTrue();
    assertThat(audit.path("pending").asInt()).as("counted, not the stale report").isEqualTo(2);
    assertThat(audit.path("consecutiveFailures").asInt()).isEqualTo(3);
    assertThat(audit.path("lastError").asText()).contains("Cannot deliver audit records");
  }

  @Test
  void aHomeWithoutTheTrailSaysItIsOff() throws Exception {
    ObjectNode audit = StatusCommand.auditStatus(home);

    assertThat(audit.path("enabled").asBoolean()).isFalse();
    assertThat(audit.path("pending").asInt()).isZero();
  }
}
