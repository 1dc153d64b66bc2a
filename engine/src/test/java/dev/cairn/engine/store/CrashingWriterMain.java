package dev.cairn.engine.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.engine.json.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link SqliteExecutionStoreCrashTest}: appends batches to a SQLite store
 * from several threads, as the engine's workers do, until it is killed. After each committed batch
 * it prints {@code BATCH <execution> <batch> <last event id>}, so the parent knows which batches
 * the store promised to keep.
 *
 * <p>Batch {@code b} of an execution has {@code b % 7 + 1} events, each carrying its batch number
 * and position, and the execution's output records the last batch: the parent can tell a complete
 * batch from a torn one, and the description from a stale one.
 */
public final class CrashingWriterMain {
  private CrashingWriterMain() {}

  /**
   * Runs the writers.
   *
   * @param args the database file, and the number of writer threads
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    SqliteExecutionStore store = SqliteExecutionStore.open(file);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String executionId = "writer-" + t;
      Thread writer = new Thread(() -> write(store, executionId), executionId);
      writers.add(writer);
      writer.start();
    }
    System.out.println("READY");
    System.out.flush();
    for (Thread writer : writers) {
      writer.join();
    }
  }

  private static void write(SqliteExecutionStore store, String executionId) {
    Instant start = Instant.now();
    store.create(description(executionId, start, -1), "{\"StartAt\":\"A\"}");
    long lastId = 0;
    // Large enough details that a transaction spans many pages, so a kill can land inside one.
    String padding = "payload ".repeat(200);
    for (int batch = 0; ; batch++) {
      int size = batch % 7 + 1;
      List<HistoryEvent> events = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        ObjectNode details = Json.object();
        details.put("batch", batch);
        details.put("index", i);
        details.put("size", size);
        details.put("padding", padding);
        long id = lastId + 1 + i;
        events.add(
            new HistoryEvent(
                id, id - 1, Instant.now(), HistoryEventType.PASS_STATE_ENTERED, "", details));
      }
      store.append(executionId, events, description(executionId, start, batch));
      lastId += size;
      report("BATCH " + executionId + " " + batch + " " + lastId);
    }
  }

  private static synchronized void report(String line) {
    System.out.println(line);
    System.out.flush();
  }

  static ExecutionDescription description(String executionId, Instant start, int lastBatch) {
    ObjectNode output = Json.object();
    output.put("lastBatch", lastBatch);
    return new ExecutionDescription(
        executionId,
        executionId,
        "crash",
        ExecutionStatus.RUNNING,
        start,
        null,
        Json.object(),
        output,
        null,
        null);
  }
}
