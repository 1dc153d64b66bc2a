package dev.cairn.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.execution.HistoryEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is appending to a SQLite store with SIGKILL, then checks that every batch it
 * reported as committed is there, complete, and that no batch is there in part.
 */
class SqliteExecutionStoreCrashTest {
  private static final int THREADS = 4;
  private static final int BATCHES_BEFORE_KILL = 400;

  @TempDir Path dir;

  @Test
  void keepsEveryCommittedBatchWholeAcrossAKill9() throws Exception {
    Path file = dir.resolve("crash.db");
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriterMain.class.getName(),
                file.toString(),
                Integer.toString(THREADS))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    // Highest batch (and its last event id) each execution reported as committed.
    Map<String, long[]> reported = new HashMap<>();
    int seen = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (seen < BATCHES_BEFORE_KILL && (line = out.readLine()) != null) {
        if (record(line, reported)) {
          seen++;
        }
      }
      assertThat(seen).as("batches reported before the child ended").isEqualTo(BATCHES_BEFORE_KILL);
      // SIGKILL while the writers are mid-stream: lines still in the pipe are not read (destroying
      // the process closes our end), which only makes the check below less demanding.
      child.destroyForcibly();
      assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("killed, not exited").isNotZero();
    assertThat(reported).hasSize(THREADS);

    try (SqliteExecutionStore store = SqliteExecutionStore.open(file)) {
      for (Map.Entry<String, long[]> entry : reported.entrySet()) {
        String executionId = entry.getKey();
        long reportedBatch = entry.getValue()[0];
        long reportedLastId = entry.getValue()[1];
        List<HistoryEvent> history = store.history(executionId);

        assertThat(history.size())
            .as(executionId + " events")
            .isGreaterThanOrEqualTo((int) reportedLastId);
        long lastBatch = checkWholeBatches(executionId, history);
        assertThat(lastBatch).as(executionId + " last batch").isGreaterThanOrEqualTo(reportedBatch);
        JsonNode output = store.find(executionId).orElseThrow().description().output();
        assertThat(output.get("lastBatch").asLong())
            .as(executionId + " description committed with its events")
            .isEqualTo(lastBatch);
      }
    }
  }

  /** Parses a {@code BATCH} line into {@code reported}; false for other lines. */
  private static boolean record(String line, Map<String, long[]> reported) {
    String[] parts = line.split(" ");
    if (parts.length != 4 || !parts[0].equals("BATCH")) {
      return false;
    }
    long batch = Long.parseLong(parts[2]);
    long lastId = Long.parseLong(parts[3]);
    reported.merge(parts[1], new long[] {batch, lastId}, (a, b) -> a[0] >= b[0] ? a : b);
    return true;
  }

  /**
   * Checks that the history is gap-free and made of whole batches 0, 1, 2, ... in order.
   *
   * @return the number of the last batch, or -1 when there is none
   */
  private static long checkWholeBatches(String executionId, List<HistoryEvent> history) {
    long batch = -1;
    int index = 0;
    int size = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      HistoryEvent event = history.get(i);
      if (event.id() != i + 1) {
        problems.add("event at position " + i + " has id " + event.id());
      }
      if (index == size) {
        batch++;
        index = 0;
        size = (int) (batch % 7 + 1);
      }
      if (event.details().get("batch").asLong() != batch
          || event.details().get("index").asInt() != index
          || event.details().get("size").asInt() != size) {
        problems.add("event " + event.id() + " is not #" + index + " of batch " + batch);
      }
      index++;
    }
    if (index != size) {
      problems.add("batch " + batch + " has " + index + " of its " + size + " events");
    }
    assertThat(problems).as(executionId).isEmpty();
    return batch;
  }
}
