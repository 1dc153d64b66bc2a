package dev.cairn.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.ExecutionStore.StoredExecution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store against the store contract, and what only a file-backed store can do. */
class SqliteExecutionStoreTest extends ExecutionStoreContractTest {
  @TempDir Path dir;

  @Override
  protected ExecutionStore newStore() {
    return SqliteExecutionStore.open(dir.resolve("executions.db"));
  }

  @Test
  void findsEverythingAgainAfterCloseAndReopen() {
    ExecutionDescription a = running("a", T0);
    ExecutionDescription b = running("b", T0.plusSeconds(1));
    store.create(a, DEFINITION);
    store.create(b, "{\"b\":1}");
    store.append("a", events(1, 3), a);
    ExecutionDescription bDone = failed(b, T0.plusSeconds(9));
    store.append("b", events(1, 2), bDone);
    store.close();

    try (ExecutionStore reopened = SqliteExecutionStore.open(dir.resolve("executions.db"))) {
      assertThat(reopened.find("a")).contains(new StoredExecution(a, DEFINITION));
      assertThat(reopened.find("b")).contains(new StoredExecution(bDone, "{\"b\":1}"));
      assertThat(reopened.history("a")).isEqualTo(events(1, 3));
      assertThat(reopened.history("b")).isEqualTo(events(1, 2));
      assertThat(reopened.list()).containsExactly(bDone, a);
      assertThat(reopened.running()).containsExactly(new StoredExecution(a, DEFINITION));
      // And the history goes on where it stopped.
      reopened.append("a", events(4, 1), a);
      assertThatThrownBy(() -> reopened.append("a", events(4, 1), a))
          .isInstanceOf(IllegalStateException.class);
      assertThat(reopened.history("a")).isEqualTo(events(1, 4));
    }
  }

  @Test
  void aSecondStoreOnTheSameFileSeesCommittedAppends() {
    store.create(running("a", T0), DEFINITION);
    store.append("a", events(1, 2), running("a", T0));

    // The engine of `cairn` reads while the daemon writes: WAL lets both open the file.
    try (ExecutionStore reader = SqliteExecutionStore.open(dir.resolve("executions.db"))) {
      assertThat(reader.history("a")).isEqualTo(events(1, 2));
      store.append("a", events(3, 1), running("a", T0));
      assertThat(reader.history("a")).isEqualTo(events(1, 3));
    }
  }

  @Test
  void refusesABatchWithAGapInsideItAndWritesNothingOfIt() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    store.append("e1", events(1, 2), d);
    List<HistoryEvent> batch = new ArrayList<>(events(3, 2));
    batch.addAll(events(6, 1));

    assertThatThrownBy(() -> store.append("e1", batch, failed(d, T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("#6")
        .hasMessageContaining("#4");
    assertThat(store.history("e1")).isEqualTo(events(1, 2));
    assertThat(store.find("e1").orElseThrow().description()).isEqualTo(d);
  }

  @Test
  void usesWalJournalAndCreatesTheSchema() throws Exception {
    store.create(running("a", T0), DEFINITION);
    try (Connection raw =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("executions.db"));
        Statement s = raw.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
      }
      try (ResultSet rs = s.executeQuery("SELECT id, status, input FROM executions")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("a");
        assertThat(rs.getString(2)).isEqualTo("RUNNING");
        assertThat(Json.parse(rs.getString(3))).isEqualTo(running("a", T0).input());
      }
    }
  }

  @Test
  void createsMissingParentDirectories() {
    Path nested = dir.resolve("a/b/c/executions.db");
    try (ExecutionStore other = SqliteExecutionStore.open(nested)) {
      other.create(running("x", T0), DEFINITION);
    }
    assertThat(nested).isRegularFile();
  }

  @Test
  void namesTheFileWhenItsDirectoryCannotBeCreated() throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
    Path file = blocker.resolve("executions.db");

    assertThatThrownBy(() -> SqliteExecutionStore.open(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("directory");
  }

  @Test
  void namesTheFileWhenItIsNotADatabase() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "this is not a database, ".repeat(100));

    assertThatThrownBy(() -> SqliteExecutionStore.open(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a SQLite database");
  }

  @Test
  void namesTheFileWhenItIsADirectory() {
    assertThatThrownBy(() -> SqliteExecutionStore.open(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("directory");
  }

  @Test
  void refusesToBeUsedOnceClosed() {
    store.create(running("a", T0), DEFINITION);
    store.close();
    store.close(); // closing twice is harmless

    assertThatThrownBy(() -> store.find("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.append("a", events(1, 1), running("a", T0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void powerLossDurabilityStoresTheSameWay() {
    Path file = dir.resolve("full.db");
    try (ExecutionStore full =
        SqliteExecutionStore.open(file, SqliteExecutionStore.Durability.POWER_LOSS)) {
      full.create(running("a", T0), DEFINITION);
      full.append("a", events(1, 2), running("a", T0));
    }
    try (ExecutionStore reopened = SqliteExecutionStore.open(file)) {
      assertThat(reopened.history("a")).isEqualTo(events(1, 2));
    }
  }

  @Test
  void reportsAFullDiskClearlyAndKeepsWhatWasCommitted() {
    SqliteExecutionStore sqlite = (SqliteExecutionStore) store;
    ExecutionDescription d = running("e1", T0);
    sqlite.create(d, DEFINITION);
    sqlite.append("e1", events(1, 2), d);
    // A size cap makes SQLite fail exactly as it does when the disk fills up (SQLITE_FULL).
    sqlite.limitPages(currentPages(sqlite));
    List<HistoryEvent> big = events(3, 1);
    big.get(0).details().put("payload", "x".repeat(200_000));

    assertThatThrownBy(() -> sqlite.append("e1", big, failed(d, T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("disk is full")
        .hasMessageContaining(sqlite.file().toString());
    assertThat(sqlite.history("e1")).isEqualTo(events(1, 2));
    assertThat(sqlite.find("e1").orElseThrow().description()).isEqualTo(d);
  }

  @Test
  void storesTheEventsOfOneAppendAsOneRow() throws Exception {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    store.append("e1", events(1, 500), d);
    store.append("e1", events(501, 1), d);
    store.append("e1", events(502, 3), d);

    assertThat(rows("SELECT first_id, last_id FROM event_batches ORDER BY last_id"))
        .containsExactly("1-500", "501-501", "502-504");
    assertThat(store.history("e1")).isEqualTo(events(1, 504));
  }

  @Test
  void splitsAVeryLargeAppendIntoSeveralRowsOfOneTransaction() throws Exception {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    List<HistoryEvent> large = events(1, 40);
    for (HistoryEvent event : large) {
      event.details().put("payload", "x".repeat(100_000)); // 4 MB in all: several chunks
    }
    store.append("e1", large, d);

    List<String> rows = rows("SELECT first_id, last_id FROM event_batches ORDER BY last_id");
    assertThat(rows).hasSizeGreaterThan(2);
    assertThat(rows.get(0)).startsWith("1-");
    assertThat(rows.get(rows.size() - 1)).endsWith("-40");
    assertThat(store.history("e1")).isEqualTo(large);
    // And the next append still continues after the last of them.
    store.append("e1", events(41, 1), d);
    assertThat(store.history("e1")).hasSize(41);
  }

  /**
   * The write-ahead log reaches the database file while the store stays open: the store's own
   * thread checkpoints it (the writing connection no longer does), and nothing of it is lost.
   */
  @Test
  void checkpointsALargeAppendIntoTheDatabaseFileWhileOpen() {
    ExecutionDescription d = running("e1", T0);
    store.create(d, DEFINITION);
    List<HistoryEvent> large = largeEvents(1);
    store.append("e1", large, d);

    // About 6 MB committed: past the checkpointer's threshold, so the file grows without a close.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.size(dir.resolve("executions.db")) > 4_000_000);
    assertThat(store.history("e1")).isEqualTo(large);
    store.append("e1", events(61, 1), d);
    store.close();
    try (ExecutionStore reopened = SqliteExecutionStore.open(dir.resolve("executions.db"))) {
      assertThat(reopened.history("e1")).hasSize(61);
    }
  }

  /**
   * A checkpoint that fails (here, as on a full disk) loses nothing: the log keeps the commits. The
   * next append retries it on the writer and fails with the error; once the disk has room again,
   * appends go on.
   */
  @Test
  void aFailedCheckpointFailsTheNextAppendAndLosesNothing() {
    AtomicBoolean full = new AtomicBoolean(true);
    AtomicInteger attempts = new AtomicInteger();
    Path file = dir.resolve("full.db");
    SqliteExecutionStore sqlite =
        SqliteExecutionStore.open(
            file,
            SqliteExecutionStore.Durability.PROCESS_CRASH,
            connection -> {
              attempts.incrementAndGet();
              if (full.get()) {
                throw new SQLException("database or disk is full", null, 13);
              }
              return WalCheckpointer.PASSIVE.run(connection);
            });
    try (sqlite) {
      ExecutionDescription d = running("e1", T0);
      sqlite.create(d, DEFINITION);
      List<HistoryEvent> large = largeEvents(1);
      sqlite.append("e1", large, d);
      await().atMost(Duration.ofSeconds(60)).until(() -> attempts.get() >= 1);

      assertThatThrownBy(() -> sqlite.append("e1", events(61, 1), d))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("disk is full")
          .hasMessageContaining(file.toString());
      assertThat(sqlite.history("e1")).isEqualTo(large);

      full.set(false);
      sqlite.append("e1", events(61, 1), d);
      assertThat(sqlite.history("e1")).hasSize(61);
    }
    try (ExecutionStore reopened = SqliteExecutionStore.open(file)) {
      assertThat(reopened.history("e1")).hasSize(61);
    }
  }

  /** Sixty events of 100,000 characters each: about 6 MB in one append. */
  private static List<HistoryEvent> largeEvents(long from) {
    List<HistoryEvent> large = events(from, 60);
    for (HistoryEvent event : large) {
      event.details().put("payload", "x".repeat(100_000));
    }
    return large;
  }

  @Test
  void convertsADatabaseOfTheFirstSchemaWithARowPerEvent() throws Exception {
    Path file = dir.resolve("v1.db");
    ExecutionDescription a = running("a", T0);
    ExecutionDescription b = failed(running("b", T0.plusSeconds(1)), T0.plusSeconds(9));
    List<HistoryEvent> aEvents = new ArrayList<>(events(1, 2_500));
    // The first schema allowed an event without frame or details.
    aEvents.add(
        new HistoryEvent(
            2_501, 2_500, T0.plusSeconds(3), HistoryEventType.TASK_SCHEDULED, null, null));
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = raw.createStatement()) {
      FirstSchema.create(s);
      FirstSchema.insertExecution(raw, a, DEFINITION);
      FirstSchema.insertExecution(raw, b, "{\"b\":1}");
      FirstSchema.insertEvents(raw, "a", aEvents);
      FirstSchema.insertEvents(raw, "b", events(1, 2));
    }

    try (ExecutionStore converted = SqliteExecutionStore.open(file)) {
      assertThat(converted.find("a")).contains(new StoredExecution(a, DEFINITION));
      assertThat(converted.find("b")).contains(new StoredExecution(b, "{\"b\":1}"));
      assertThat(converted.history("a")).isEqualTo(aEvents);
      assertThat(converted.history("b")).isEqualTo(events(1, 2));
      assertThat(converted.list()).containsExactly(b, a);
      assertThat(converted.running()).containsExactly(new StoredExecution(a, DEFINITION));
      converted.append("b", events(3, 1), b);
      assertThatThrownBy(() -> converted.append("a", events(2_501, 1), a))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not follow event #2501");
      assertThat(converted.history("b")).isEqualTo(events(1, 3));
    }
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = raw.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'events'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the table of the first schema is dropped").isZero();
      }
    }
    // Opened again, nothing is converted twice.
    try (ExecutionStore reopened = SqliteExecutionStore.open(file)) {
      assertThat(reopened.history("a")).isEqualTo(aEvents);
    }
  }

  @Test
  void refusesADatabaseOfANewerSchema() throws Exception {
    Path file = dir.resolve("newer.db");
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = raw.createStatement()) {
      s.executeUpdate("PRAGMA user_version = 3");
    }

    assertThatThrownBy(() -> SqliteExecutionStore.open(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("newer Cairn")
        .hasMessageContaining("schema version 3");
  }

  /** The rows of a query on this test's database, their columns joined by "-". */
  private List<String> rows(String query) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection raw =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("executions.db"));
        Statement s = raw.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int c = 1; c <= columns; c++) {
          values.add(rs.getString(c));
        }
        rows.add(String.join("-", values));
      }
    }
    return rows;
  }

  private static long currentPages(SqliteExecutionStore sqlite) {
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
        Statement s = raw.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_count")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
