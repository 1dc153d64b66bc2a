package dev.cairn.engine.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * Keeps executions in an embedded SQLite database file, so that they survive the process.
 *
 * <p>The database runs in WAL journal mode. {@link #append} writes an execution's new events and
 * its updated description in one transaction: after a crash either the whole batch is there or none
 * of it is, which is what lets the engine act on a batch only once {@code append} returned.
 *
 * <p><b>Durability.</b> By default ({@link Durability#PROCESS_CRASH}) the database uses {@code
 * synchronous=NORMAL}: a committed transaction survives the process being killed at any moment
 * (including {@code kill -9}), because it is in the operating system's page cache once the commit
 * returns. It does not wait for the disk, so an operating-system crash or a power loss may lose the
 * last transactions committed before it (never corrupting the file). {@link Durability#POWER_LOSS}
 * uses {@code synchronous=FULL}, which syncs the write-ahead log on every commit and survives power
 * loss too, at a large cost in throughput.
 *
 * <p><b>Layout.</b> One row per execution, and one row per {@code append} holding its events
 * encoded together ({@link EventBatchCodec}; a very large append takes several rows), not a row per
 * event: SQLite's cost is per row, and one trigger can append tens of thousands of events. The
 * schema is versioned and older databases are converted when opened ({@link SqliteSchema}).
 *
 * <p><b>Threads.</b> One connection serves every thread, guarded by a lock: SQLite writes one
 * transaction at a time anyway, and WAL commits without a sync are short.
 *
 * <p><b>Checkpoints.</b> The write-ahead log is copied into the database file by a thread and
 * connection of the store's own ({@link WalCheckpointer}), not by the commit that fills it.
 *
 * <p><b>Files.</b> Besides the database file, SQLite keeps {@code <file>-wal} and {@code
 * <file>-shm} next to it while it is open; copy all three, or close the store first.
 */
public final class SqliteExecutionStore implements ExecutionStore {
  /** How long a writer waits for another process holding the database before failing. */
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  // SQLite's primary result codes, as sqlite-jdbc reports them in SQLException.getErrorCode().
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_NOTADB = 26;

  /** SQLite's page size, for estimating how much a commit added to the write-ahead log. */
  private static final int PAGE_BYTES = 4096;

  private static final String EXECUTION_COLUMNS =
      "id, name, state_machine_name, status, start_date, stop_date, input, output, error, cause,"
          + " definition";

  /** How much a committed transaction survives. */
  public enum Durability {
    /**
     * Survives the process dying at any moment ({@code synchronous=NORMAL}); an operating-system
     * crash or power loss may lose the last transactions. The default.
     */
    PROCESS_CRASH,
    /** Survives power loss too ({@code synchronous=FULL}): every commit waits for the disk. */
    POWER_LOSS
  }

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private final Statement control;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement insertExecution;
  private final PreparedStatement updateExecution;
  private final PreparedStatement appendState;
  private final PreparedStatement insertEvents;
  private final PreparedStatement selectExecution;
  private final PreparedStatement selectEvents;
  private final PreparedStatement selectAll;
  private final PreparedStatement selectRunning;
  private final WalCheckpointer checkpointer;
  private boolean closed;

  private SqliteExecutionStore(Path file, Connection connection, WalCheckpointer.Checkpoint how)
      throws SQLException {
    this.file = file;
    this.connection = connection;
    this.control = connection.createStatement();
    // Checkpoints run on the checkpointer's thread and connection, not inside this one's commits.
    control.execute("PRAGMA wal_autocheckpoint = 0");
    this.checkpointer = new WalCheckpointer(file, how);
    // Prepared once: appends are the hot path, and SQLite would otherwise compile these each time.
    this.begin = connection.prepareStatement("BEGIN IMMEDIATE");
    this.commit = connection.prepareStatement("COMMIT");
    this.insertExecution =
        connection.prepareStatement(
            "INSERT INTO executions ("
                + EXECUTION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
    // Only what changes during an execution is rewritten: the input and definition can be large
    // and are fixed when it starts.
    this.updateExecution =
        connection.prepareStatement(
            "UPDATE executions SET status = ?, stop_date = ?, output = ?, error = ?, cause = ?"
                + " WHERE id = ?");
    // What append needs to know before writing, in one read: whether the execution exists, whether
    // its row would change, and the id of its last event.
    this.appendState =
        connection.prepareStatement(
            "SELECT status, stop_date IS NULL AND output IS NULL AND error IS NULL AND cause IS NULL,"
                + " (SELECT max(last_id) FROM event_batches WHERE execution_id = ?1)"
                + " FROM executions WHERE id = ?1");
    this.insertEvents =
        connection.prepareStatement(
            "INSERT INTO event_batches (execution_id, first_id, last_id, events)"
                + " VALUES (?, ?, ?, ?)");
    this.selectExecution =
        connection.prepareStatement(
            "SELECT " + EXECUTION_COLUMNS + " FROM executions WHERE id = ?");
    this.selectEvents =
        connection.prepareStatement(
            "SELECT first_id, last_id, events FROM event_batches"
                + " WHERE execution_id = ? ORDER BY last_id");
    // The rowid breaks ties between executions started in the same instant: creation order.
    this.selectAll =
        connection.prepareStatement(
            "SELECT "
                + EXECUTION_COLUMNS
                + " FROM executions ORDER BY start_date DESC, rowid DESC");
    this.selectRunning =
        connection.prepareStatement(
            "SELECT "
                + EXECUTION_COLUMNS
                + " FROM executions WHERE status = 'RUNNING' ORDER BY start_date, rowid");
  }

  /**
   * Opens (creating if needed, with its parent directories) the database at {@code file}, with
   * {@link Durability#PROCESS_CRASH} durability.
   *
   * @throws IllegalStateException naming the file when it cannot be opened: a directory cannot be
   *     created or written, the file is not a Cairn database, or the disk is full
   */
  public static SqliteExecutionStore open(Path file) {
    return open(file, Durability.PROCESS_CRASH);
  }

  /**
   * Opens (creating if needed, with its parent directories) the database at {@code file}.
   *
   * @param durability what a committed transaction must survive
   * @throws IllegalStateException naming the file when it cannot be opened: a directory cannot be
   *     created or written, the file is not a Cairn database, or the disk is full
   */
  public static SqliteExecutionStore open(Path file, Durability durability) {
    return open(file, durability, WalCheckpointer.PASSIVE);
  }

  /** Opens the database with another way of checkpointing it (tests: one that fails). */
  static SqliteExecutionStore open(
      Path file, Durability durability, WalCheckpointer.Checkpoint checkpoint) {
    Path absolute = file.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new IllegalStateException(
          "cannot open the execution store " + absolute + ": it is a directory, not a file");
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot open the execution store "
                + absolute
                + ": its directory cannot be created ("
                + e
                + ")",
            e);
      }
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(
        durability == Durability.POWER_LOSS
            ? SQLiteConfig.SynchronousMode.FULL
            : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    Connection connection = null;
    try {
      connection = config.createConnection("jdbc:sqlite:" + absolute);
      SqliteSchema.migrate(connection, absolute);
      return new SqliteExecutionStore(absolute, connection, checkpoint);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw describe("cannot open the execution store " + absolute, e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public void create(ExecutionDescription description, String definition) {
    lock.lock();
    try {
      ensureOpen();
      PreparedStatement s = insertExecution;
      s.setString(1, description.executionArn());
      s.setString(2, description.name());
      s.setString(3, description.stateMachineName());
      s.setString(4, description.status().name());
      s.setString(5, instantText(description.startDate()));
      s.setString(6, instantText(description.stopDate()));
      s.setString(7, jsonText(description.input()));
      s.setString(8, jsonText(description.output()));
      s.setString(9, description.error());
      s.setString(10, description.cause());
      s.setString(11, definition);
      if (s.executeUpdate() == 0) {
        throw new IllegalArgumentException(
            "an execution with id " + description.executionArn() + " exists already");
      }
      checkpointer.committed(
          connection, PAGE_BYTES + (definition == null ? 0 : definition.length()));
    } catch (SQLException e) {
      throw failure("cannot record execution " + description.executionArn(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void append(
      String executionId, List<HistoryEvent> events, ExecutionDescription description) {
    // Encoded before taking the lock: it is the costliest part and needs no database. One row per
    // append (per chunk of a large one) rather than per event: see EventBatchCodec.
    List<EventBatchCodec.Chunk> chunks = EventBatchCodec.encode(events);
    String output = jsonText(description.output());
    lock.lock();
    try {
      ensureOpen();
      // A background checkpoint that failed is retried here, where its error can fail the append.
      checkpointer.beforeWrite(connection);
      // IMMEDIATE takes the write lock now, so that no other process can append between our read
      // of the last event id and our inserts.
      begin.executeUpdate();
      boolean committed = false;
      try {
        String storedStatus;
        boolean storedBare;
        long lastId;
        appendState.setString(1, executionId);
        try (ResultSet rs = appendState.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException("no execution with id " + executionId);
          }
          storedStatus = rs.getString(1);
          storedBare = rs.getBoolean(2);
          lastId = rs.getLong(3); // max() of no rows is NULL, which getLong reads as 0
        }
        // A running execution's row changes only when it stops: rewriting it on every append would
        // add a page to every commit, which is most of the cost of a commit per task.
        boolean unchanged =
            description.status() == ExecutionStatus.RUNNING
                && ExecutionStatus.RUNNING.name().equals(storedStatus)
                && storedBare
                && description.stopDate() == null
                && output == null
                && description.error() == null
                && description.cause() == null;
        if (!unchanged) {
          updateExecution.setString(1, description.status().name());
          updateExecution.setString(2, instantText(description.stopDate()));
          updateExecution.setString(3, output);
          updateExecution.setString(4, description.error());
          updateExecution.setString(5, description.cause());
          updateExecution.setString(6, executionId);
          updateExecution.executeUpdate();
        }
        if (!events.isEmpty()) {
          checkContinues(executionId, events, lastId);
          for (EventBatchCodec.Chunk chunk : chunks) {
            insertEvents.setString(1, executionId);
            insertEvents.setLong(2, chunk.firstId());
            insertEvents.setLong(3, chunk.lastId());
            insertEvents.setBytes(4, chunk.events());
            insertEvents.executeUpdate();
          }
        }
        commit.executeUpdate();
        committed = true;
        long bytes = PAGE_BYTES; // the execution's row and the index, roughly
        for (EventBatchCodec.Chunk chunk : chunks) {
          bytes += chunk.events().length;
        }
        checkpointer.committed(connection, bytes);
      } finally {
        if (!committed) {
          rollback();
        }
      }
    } catch (SQLException e) {
      throw failure("cannot append events to execution " + executionId, e);
    } finally {
      lock.unlock();
    }
  }

  /** Refuses a batch that does not continue the history one id at a time. */
  private static void checkContinues(String executionId, List<HistoryEvent> events, long last) {
    long expected = last + 1;
    for (HistoryEvent event : events) {
      if (event.id() != expected) {
        throw new IllegalStateException(
            "event #"
                + event.id()
                + " of execution "
                + executionId
                + " does not follow event #"
                + (expected - 1));
      }
      expected++;
    }
  }

  private void rollback() {
    try {
      control.executeUpdate("ROLLBACK");
    } catch (SQLException e) {
      // SQLite rolls back by itself after some errors (e.g. a full disk); nothing left to undo.
    }
  }

  @Override
  public Optional<StoredExecution> find(String executionId) {
    lock.lock();
    try {
      ensureOpen();
      selectExecution.setString(1, executionId);
      try (ResultSet rs = selectExecution.executeQuery()) {
        return rs.next() ? Optional.of(storedExecution(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("cannot read execution " + executionId, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<HistoryEvent> history(String executionId) {
    List<EventBatchCodec.Chunk> chunks = new ArrayList<>();
    lock.lock();
    try {
      ensureOpen();
      selectEvents.setString(1, executionId);
      try (ResultSet rs = selectEvents.executeQuery()) {
        while (rs.next()) {
          chunks.add(new EventBatchCodec.Chunk(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
        }
      }
    } catch (SQLException e) {
      throw failure("cannot read the history of execution " + executionId, e);
    } finally {
      lock.unlock();
    }
    // Decoded without the lock: parsing a long history should not hold up other executions.
    List<HistoryEvent> events = new ArrayList<>();
    try {
      for (EventBatchCodec.Chunk chunk : chunks) {
        EventBatchCodec.decode(chunk.firstId(), chunk.lastId(), chunk.events(), events);
      }
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "cannot read the history of execution "
              + executionId
              + " in the execution store "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
    return List.copyOf(events);
  }

  @Override
  public List<ExecutionDescription> list() {
    return query(selectAll, "cannot list executions").stream()
        .map(StoredExecution::description)
        .toList();
  }

  @Override
  public List<StoredExecution> running() {
    return query(selectRunning, "cannot list running executions");
  }

  private List<StoredExecution> query(PreparedStatement statement, String what) {
    lock.lock();
    try {
      ensureOpen();
      List<StoredExecution> result = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          result.add(storedExecution(rs));
        }
      }
      return List.copyOf(result);
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      lock.unlock();
    }
  }

  /** Closes the connection; further calls fail. Closing twice does nothing. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      checkpointer.close();
      // Closing the last connection checkpoints the WAL into the database file and removes it.
      closeQuietly(connection);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Caps the database at {@code pages} pages, for tests: past the cap SQLite fails with the same
   * error as on a full disk.
   */
  void limitPages(long pages) {
    lock.lock();
    try {
      ensureOpen();
      control.execute("PRAGMA max_page_count = " + pages);
    } catch (SQLException e) {
      throw failure("cannot limit the size", e);
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the execution store " + file + " is closed");
    }
  }

  // ---------------------------------------------------------------- mapping

  private static StoredExecution storedExecution(ResultSet rs) throws SQLException {
    ExecutionDescription description =
        new ExecutionDescription(
            rs.getString(1),
            rs.getString(2),
            rs.getString(3),
            ExecutionStatus.valueOf(rs.getString(4)),
            instant(rs.getString(5)),
            instant(rs.getString(6)),
            json(rs.getString(7)),
            json(rs.getString(8)),
            rs.getString(9),
            rs.getString(10));
    return new StoredExecution(description, rs.getString(11));
  }

  private static String instantText(Instant instant) {
    return instant == null ? null : InstantText.format(instant);
  }

  private static Instant instant(String text) {
    return text == null ? null : InstantText.parse(text);
  }

  private static String jsonText(JsonNode node) {
    return node == null ? null : Json.write(node);
  }

  private static JsonNode json(String text) {
    return text == null ? null : Json.parse(text);
  }

  // ---------------------------------------------------------------- errors

  private IllegalStateException failure(String what, SQLException e) {
    return describe(what + " in the execution store " + file, e);
  }

  /** Turns SQLite's result codes into a message that says what to do about them. */
  private static IllegalStateException describe(String message, SQLException e) {
    String reason =
        switch (e.getErrorCode()) {
          case SQLITE_FULL -> "the disk is full";
          case SQLITE_READONLY -> "the database file or its directory is read-only";
          case SQLITE_CANTOPEN -> "the file cannot be opened or created (check permissions)";
          case SQLITE_NOTADB -> "the file is not a SQLite database";
          case SQLITE_CORRUPT -> "the database file is corrupt";
          case SQLITE_IOERR -> "an input/output error occurred";
          case SQLITE_BUSY -> "another process holds the database locked";
          default -> null;
        };
    return new IllegalStateException(
        message + ": " + (reason == null ? "" : reason + " - ") + e.getMessage(), e);
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // Nothing useful to do: the process is letting go of the file either way.
    }
  }
}
