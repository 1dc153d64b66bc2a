package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateGraphTest {
  private static final String DEFINITION =
      "{\"StartAt\": \"Build\", \"States\": {"
          + "\"Build\": {\"Type\": \"Task\", \"Next\": \"production: \\\"deploy\\\"\","
          + " \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Build failed\"}]},"
          + "\"production: \\\"deploy\\\"\": {\"Type\": \"Task\", \"Next\": \"Done\"},"
          + "\"Build failed\": {\"Type\": \"Fail\"}, \"Done\": {\"Type\": \"Succeed\"}}}";

  private static DashboardData.RunDetail run(String status, DashboardData.StateEvent... events) {
    return new DashboardData.RunDetail(
        Json.parse("{\"status\": \"" + status + "\"}"), DEFINITION, List.of(events));
  }

  private static DashboardData.StateEvent entered(String state) {
    return new DashboardData.StateEvent(state, true, Instant.EPOCH);
  }

  private static DashboardData.StateEvent left(String state) {
    return new DashboardData.StateEvent(state, false, Instant.EPOCH);
  }

  @Test
  void statesAreMarkedByHowFarTheRunGot() {
    assertThat(
            StateGraph.marks(
                run("RUNNING", entered("Build"), left("Build"), entered("production: \"deploy\""))))
        .containsExactly(
            java.util.Map.entry("Build", "done"),
            java.util.Map.entry("production: \"deploy\"", "active"));
    // A run that ended in a state failed there; a Fail state is failed.
    assertThat(StateGraph.marks(run("FAILED", entered("Build")))).containsEntry("Build", "failed");
    assertThat(
            StateGraph.marks(
                run("FAILED", entered("Build"), left("Build"), entered("Build failed"))))
        .containsEntry("Build", "done")
        .containsEntry("Build failed", "failed");
  }

  @Test
  void theFlowchartHasEveryTransitionAndEscapedLabels() {
    String mermaid =
        StateGraph.mermaid(DEFINITION, java.util.Map.of("Build", "done", "Build failed", "failed"));
    assertThat(mermaid)
        .startsWith("flowchart TD\n")
        .contains("s0[\"Build\"]")
        .contains("s1[\"production: #quot;deploy#quot;\"]")
        .contains("s2([\"Build failed\"])")
        .contains("s0 --> s1")
        .contains("s0 -.-> s2")
        .contains("s1 --> s3")
        .contains("class s0 done")
        .contains("class s2 failed");
  }

  @Test
  void theRunPagesJsonListsEveryState() {
    var json = StateGraph.json(run("RUNNING", entered("Build")));
    assertThat(json.path("status").asText()).isEqualTo("RUNNING");
    assertThat(json.path("states").get(0).path("mark").asText()).isEqualTo("active");
    assertThat(json.path("states").get(3).path("mark").asText()).isEqualTo("waiting");
  }

  @Test
  void aCutUtf8CharacterWaitsForItsLastBytes() {
    byte[] euro = "a€".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(RunEvents.completeUtf8(euro)).isEqualTo(4);
    assertThat(RunEvents.completeUtf8(java.util.Arrays.copyOf(euro, 3))).isEqualTo(1);
    assertThat(RunEvents.completeUtf8(java.util.Arrays.copyOf(euro, 2))).isEqualTo(1);
  }
}
