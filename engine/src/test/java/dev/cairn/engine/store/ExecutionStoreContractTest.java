package dev.cairn.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.ExecutionStore.StoredExecution;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExecutionStore} must do, whatever keeps the data. Each adapter has a subclass
 * that says how to make a fresh, empty store.
 */
abstract class ExecutionStoreContractTest {
  static final String DEFINITION =
      "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}";
  static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456789Z");

  protected ExecutionStore store;

  /** A new, empty store. */
  protected abstract ExecutionStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---------------------------------------------------------------- fixtures

  static ExecutionDescription running(String id, Instant start) {
    return new ExecutionDescription(
        id,
        id + "-name",
        "machine",
        ExecutionStatus.RUNNING,
        start,
        null,
        Json.parse("{\"n\":1.50,\"s\":\"x\"}"),
        null,
        null,
        null);
  }

  static ExecutionDescription succeeded(ExecutionDescription d, Instant stop, JsonNode output) {
    return new ExecutionDescription(
        d.executionArn(),
        d.name(),
        d.stateMachineName(),
        ExecutionStatus.SUCCEEDED,
        d.startDate(),
        stop,
        d.input(),
        output,
        null,
        null);
  }

  static ExecutionDescription failed(ExecutionDescription d, Instant stop) {
    return new ExecutionDescription(
        d.executionArn(),
        d.name(),
        d.stateMachineName(),
        ExecutionStatus.FAILED,
        d.startDate(),
        stop,
        d.input(),
        null,
        "States.TaskFailed",
        "the cause");
  }

  /** Events {@code from} .. {@code from + count - 1}, each following the one before. */
  static List<HistoryEvent> events(long from, int count) {
    List<HistoryEvent> events = new ArrayList<>();
    for (long id = from; id < from + count; id++) {
      ObjectNode details = Json.object();
      details.put("name", "State" + id);
      details.put("input", "{\"i\":" + id + "}");
      events.add(
          new HistoryEvent(
              id,
              id - 1,
              T0.plusMillis(id),
              HistoryEventType.PASS_STATE_ENTERED,
              id % 2 == 0 ? "" : "p0/1",
              details));
    }
    return events;
  }

  // ---------------------------------------------------------------- create / find

  @Test
  void findsWhatWasCreatedWithItsDefinition() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);

    assertThat(store.find("e1")).contains(new StoredExecution(d, DEFINITION));
    assertThat(store.find("e1").orElseThrow().description().input().get("n").decimalValue())
        .isEqualTo(new BigDecimal("1.50"));
  }

  @Test
  void unknownExecutionsAreAbsentAndHaveNoHistory() {
    store.create(running("e1", T0), DEFINITION);

    assertThat(store.find("nope")).isEmpty();
    assertThat(store.history("nope")).isEmpty();
    assertThat(store.history("e1")).isEmpty();
  }

  @Test
  void refusesASecondExecutionWithTheSameIdAndKeepsTheFirst() {
    ExecutionDescription first = running("e1", T0);
    store.create(first, DEFINITION);

    assertThatThrownBy(() -> store.create(running("e1", T0.plusSeconds(5)), "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e1");
    assertThat(store.find("e1")).contains(new StoredExecution(first, DEFINITION));
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void listsNewestFirst() {
    store.create(running("middle", T0.plusSeconds(10)), DEFINITION);
    store.create(running("oldest", T0), DEFINITION);
    store.create(running("newest", T0.plusSeconds(20)), DEFINITION);
    // Nanosecond differences count: stored instants must keep (and order by) their full precision.
    store.create(running("newest-by-a-nanosecond", T0.plusSeconds(20).plusNanos(1)), DEFINITION);
    store.create(running("older-by-a-nanosecond", T0.minusNanos(1)), DEFINITION);

    assertThat(store.list())
        .extracting(ExecutionDescription::executionArn)
        .containsExactly(
            "newest-by-a-nanosecond", "newest", "middle", "oldest", "older-by-a-nanosecond");
  }

  @Test
  void listsTheLatestDescriptions() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    ExecutionDescription done = succeeded(d, T0.plusSeconds(1), Json.parse("{\"ok\":true}"));
    store.append("e1", events(1, 2), done);

    assertThat(store.list()).containsExactly(done);
  }

  // ---------------------------------------------------------------- append / history

  @Test
  void keepsTheHistoryInOrderAcrossBatches() {
    store.create(running("e1", T0), DEFINITION);
    store.append("e1", events(1, 3), running("e1", T0));
    store.append("e1", events(4, 1), running("e1", T0));
    store.append("e1", events(5, 4), running("e1", T0));

    assertThat(store.history("e1")).isEqualTo(events(1, 8));
  }

  @Test
  void keepsHistoriesOfExecutionsApart() {
    store.create(running("a", T0), DEFINITION);
    store.create(running("b", T0.plusSeconds(1)), DEFINITION);
    store.append("a", events(1, 2), running("a", T0));
    store.append("b", events(1, 3), running("b", T0.plusSeconds(1)));
    store.append("a", events(3, 1), running("a", T0));

    assertThat(store.history("a")).isEqualTo(events(1, 3));
    assertThat(store.history("b")).isEqualTo(events(1, 3));
  }

  @Test
  void appendUpdatesTheDescription() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    ExecutionDescription done = failed(d, T0.plusSeconds(3));
    store.append("e1", events(1, 2), done);

    assertThat(store.find("e1")).contains(new StoredExecution(done, DEFINITION));
  }

  @Test
  void anAppendWithoutEventsStillUpdatesTheDescription() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    store.append("e1", events(1, 2), d);
    ExecutionDescription done = succeeded(d, T0.plusSeconds(2), Json.parse("[1,2]"));
    store.append("e1", List.of(), done);

    assertThat(store.find("e1").orElseThrow().description()).isEqualTo(done);
    assertThat(store.history("e1")).isEqualTo(events(1, 2));
  }

  @Test
  void runningListsOnlyRunningExecutionsWithTheirDefinitions() {
    ExecutionDescription a = running("a", T0);
    ExecutionDescription b = running("b", T0.plusSeconds(1));
    ExecutionDescription c = running("c", T0.plusSeconds(2));
    store.create(a, DEFINITION);
    store.create(b, "{\"other\":true}");
    store.create(c, DEFINITION);
    store.append("a", events(1, 1), succeeded(a, T0.plusSeconds(5), Json.object()));
    store.append("c", events(1, 1), failed(c, T0.plusSeconds(5)));

    assertThat(store.running()).containsExactly(new StoredExecution(b, "{\"other\":true}"));
  }

  @Test
  void refusesABatchThatLeavesAGapAndWritesNothingOfIt() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    store.append("e1", events(1, 2), d);

    assertThatThrownBy(() -> store.append("e1", events(4, 2), failed(d, T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("#4")
        .hasMessageContaining("#2");
    assertThat(store.history("e1")).isEqualTo(events(1, 2));
    assertThat(store.find("e1").orElseThrow().description()).isEqualTo(d);
  }

  @Test
  void refusesABatchThatRepeatsEventsAndWritesNothingOfIt() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    store.append("e1", events(1, 3), d);

    assertThatThrownBy(() -> store.append("e1", events(3, 2), failed(d, T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.append("e1", events(1, 1), failed(d, T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.history("e1")).isEqualTo(events(1, 3));
    assertThat(store.find("e1").orElseThrow().description()).isEqualTo(d);
  }

  @Test
  void theFirstEventMustBeNumberOne() {
    store.create(running("e1", T0), DEFINITION);

    assertThatThrownBy(() -> store.append("e1", events(2, 1), running("e1", T0)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.history("e1")).isEmpty();
  }

  @Test
  void refusesToAppendToAnUnknownExecution() {
    assertThatThrownBy(() -> store.append("ghost", events(1, 1), running("ghost", T0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ghost");
    assertThat(store.history("ghost")).isEmpty();
    assertThat(store.list()).isEmpty();
  }

  @Test
  void roundTripsUnicodeLargeAndExactValues() {
    StringBuilder large = new StringBuilder();
    while (large.length() < 1_000_000) {
      large.append("ça marche — 日本語 🚀 \u0301\t\"quoted\"\\ \u0000 ");
    }
    ObjectNode details = Json.object();
    details.put("name", "Étape 🚀 ステート");
    details.put("large", large.toString());
    details.put("decimal", new BigDecimal("0.1000000000000000000000000000001"));
    details.put("huge", new BigInteger("123456789012345678901234567890123456789"));
    details.put("long", Long.MAX_VALUE);
    details.putNull("nothing");
    details
        .putObject("nested")
        .putArray("list")
        .add(1)
        .add("two")
        .addObject()
        .put("three", new BigDecimal("3.0"));
    JsonNode input = Json.parse("{\"ключ\":\"значение 🎉\",\"x\":1e400}");
    ExecutionDescription d =
        new ExecutionDescription(
            "arn:aws:states:local:000000000000:execution:machine:名前-🚀",
            "名前-🚀",
            "machine",
            ExecutionStatus.RUNNING,
            T0,
            null,
            input,
            null,
            null,
            null);
    String definition = "{\"Comment\":\"défini — 🚀\",\"StartAt\":\"A\"}";
    HistoryEvent event =
        new HistoryEvent(1, 0, T0, HistoryEventType.TASK_SCHEDULED, "map/ä/3", details);

    store.create(d, definition);
    store.append(d.executionArn(), List.of(event), d);

    List<HistoryEvent> history = store.history(d.executionArn());
    assertThat(history).containsExactly(event);
    assertThat(history.get(0).text("large")).isEqualTo(large.toString());
    assertThat(history.get(0).details().get("decimal").decimalValue())
        .isEqualTo(new BigDecimal("0.1000000000000000000000000000001"));
    assertThat(history.get(0).details().get("huge").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890123456789"));
    StoredExecution stored = store.find(d.executionArn()).orElseThrow();
    assertThat(stored).isEqualTo(new StoredExecution(d, definition));
    assertThat(stored.description().input().get("x").decimalValue())
        .isEqualTo(new BigDecimal("1e400"));
  }

  @Test
  void acceptsConcurrentAppendsToDifferentExecutions() throws Exception {
    int executions = 8;
    int batches = 50;
    for (int e = 0; e < executions; e++) {
      store.create(running("e" + e, T0.plusSeconds(e)), DEFINITION);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int e = 0; e < executions; e++) {
        String id = "e" + e;
        ExecutionDescription d = running(id, T0.plusSeconds(e));
        writers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int b = 0; b < batches; b++) {
                    store.append(id, events(b * 2L + 1, 2), d);
                  }
                },
                pool));
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    for (int e = 0; e < executions; e++) {
      assertThat(store.history("e" + e)).isEqualTo(events(1, batches * 2));
    }
  }
}
