package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
  void environmentsAreListedInTheNewestPipelineFilesPromotionOrder() throws Exception {
    Path ledgers = Files.createDirectories(home.resolve("environments"));
    for (String name : List.of("canary", "production", "staging", "zzz-old")) {
      Files.writeString(ledgers.resolve(name + ".json"), "{}");
    }
    String pipeline =
        "name: app\nbuild:\n  steps:\n    - run: make\n  artifact: out/\nenvironments:\n"
            + Stream.of("staging", "canary", "production")
                .map(
                    e ->
                        "  - name: "
                            + e
                            + "\n    app: {start: ./run, port: "
                            + (8080 + e.length())
                            + "}\n    health: {path: /}\n")
                .collect(Collectors.joining());
    Path older = Files.createDirectories(home.resolve("runs").resolve("000001-aaaaaaa"));
    Files.writeString(older.resolve("run.json"), "{\"pipelineFile\": \"name: old\"}");
    Path newer = Files.createDirectories(home.resolve("runs").resolve("000002-bbbbbbb"));
    ObjectNode facts = dev.cairn.pipeline.json.Json.object();
    facts.put("pipelineFile", pipeline);
    Files.writeString(newer.resolve("run.json"), dev.cairn.pipeline.json.Json.write(facts));
    System.setProperty("cairn.home", home.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(CairnCommand.run("status", "--json")).isZero();
    } finally {
      System.setOut(original);
      System.clearProperty("cairn.home");
    }

    assertThat(
            dev.cairn.pipeline.json.Json.parse(out.toString(StandardCharsets.UTF_8))
                .path("environments")
                .findValuesAsText("name"))
        .containsExactly("staging", "canary", "production", "zzz-old");
  }

  @Test
  void aHomeWithoutTheTrailSaysItIsOff() throws Exception {
    ObjectNode audit = StatusCommand.auditStatus(home);

    assertThat(audit.path("enabled").asBoolean()).isFalse();
    assertThat(audit.path("pending").asInt()).isZero();
  }
}
