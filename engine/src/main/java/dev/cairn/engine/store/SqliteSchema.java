package dev.cairn.engine.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite store's schema, its version (SQLite's {@code user_version}) and the migration of
 * databases written by earlier versions.
 *
 * <ul>
 *   <li><b>Version 1</b>: {@code executions}, and {@code events} with one row per event.
 *   <li><b>Version 2</b>: {@code executions} unchanged; {@code event_batches} with one row per
 *       {@code append} (or per chunk of a large one): the execution, its first and last event id
 *       and the events encoded by {@link EventBatchCodec}. A row per event cost 3-5 microseconds of
 *       SQLite's time each, which bounded durable executions that append thousands of events at
 *       once.
 * </ul>
 *
 * <p>Opening a version 1 database converts it in one transaction: its events are copied into {@code
 * event_batches} (consecutive events of an execution grouped into chunks; how they were appended is
 * not recorded, and readers do not need it) and {@code events} is dropped. A crash or a full disk
 * during the conversion leaves the database as it was, still version 1. A version 1 Cairn refuses a
 * converted database as "written by a newer Cairn".
 */
final class SqliteSchema {
  /** The schema version this code writes. */
  static final int VERSION = 2;

  private static final String CREATE_EXECUTIONS =
      """
      CREATE TABLE IF NOT EXISTS executions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        state_machine_name TEXT NOT NULL,
        status TEXT NOT NULL,
        start_date TEXT NOT NULL,
        stop_date TEXT,
        input TEXT,
        output TEXT,
        error TEXT,
        cause TEXT,
        definition TEXT NOT NULL
      )""";

  // A rowid table, not WITHOUT ROWID: rows are large (up to a chunk of about a megabyte), which
  // SQLite advises against keeping inside the key's B-tree. The key's index finds an execution's
  // last event id for append (max(last_id)) and its rows in order for history; a reader that pages
  // by event id finds the row holding event n as the first with last_id >= n.
  private static final String CREATE_EVENT_BATCHES =
      """
      CREATE TABLE IF NOT EXISTS event_batches (
        execution_id TEXT NOT NULL,
        first_id INTEGER NOT NULL,
        last_id INTEGER NOT NULL,
        events BLOB NOT NULL,
        PRIMARY KEY (execution_id, last_id)
      )""";

  private SqliteSchema() {}

  /**
   * Brings the database to {@link #VERSION}: creates the schema in a new database, converts an
   * older one, and refuses one written by a newer Cairn.
   *
   * @throws IllegalStateException naming {@code file} when the database is newer than this code
   */
  static void migrate(Connection connection, Path file) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (version(statement) == VERSION) {
        return; // the common case, without taking the write lock
      }
      statement.executeUpdate("BEGIN IMMEDIATE");
      try {
        // Read again under the write lock: another process may have migrated in the meantime.
        int version = version(statement);
        if (version > VERSION) {
          throw new IllegalStateException(
              "cannot open the execution store "
                  + file
                  + ": it was written by a newer Cairn (schema version "
                  + version
                  + ", this one knows up to "
                  + VERSION
                  + ")");
        }
        if (version < VERSION) {
          statement.executeUpdate(CREATE_EXECUTIONS);
          statement.executeUpdate(
              "CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status)");
          statement.executeUpdate(
              "CREATE INDEX IF NOT EXISTS executions_by_start ON executions (start_date)");
          statement.executeUpdate(CREATE_EVENT_BATCHES);
          if (version == 1) {
            convertEventRows(connection);
            statement.executeUpdate("DROP TABLE events");
          }
          statement.executeUpdate("PRAGMA user_version = " + VERSION);
        }
        statement.executeUpdate("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollback(statement);
        throw e;
      }
    }
  }

  private static int version(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Copies version 1's event rows into {@code event_batches}, execution by execution, in id order.
   * The details are copied as the JSON text they are, not parsed and written again.
   */
  private static void convertEventRows(Connection connection) throws SQLException {
    try (Statement select = connection.createStatement();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO event_batches (execution_id, first_id, last_id, events)"
                    + " VALUES (?, ?, ?, ?)");
        ResultSet rs =
            select.executeQuery(
                "SELECT execution_id, id, previous_event_id, timestamp, type, frame, details"
                    + " FROM events ORDER BY execution_id, id")) {
      String execution = null;
      EventBatchCodec.Writer writer = null;
      try {
        while (rs.next()) {
          String id = rs.getString(1);
          if (!id.equals(execution)) {
            if (writer != null) {
              insert(insert, execution, writer.finish());
              writer.close();
            }
            execution = id;
            writer = new EventBatchCodec.Writer(EventBatchCodec.CHUNK_BYTES);
          }
          writer.addStored(
              rs.getLong(2),
              rs.getLong(3),
              rs.getString(4),
              rs.getString(5),
              rs.getString(6),
              rs.getString(7));
          // Written as chunks fill up, so that a long history is never held whole in memory.
          insert(insert, execution, writer.takeClosed());
        }
        if (writer != null) {
          insert(insert, execution, writer.finish());
        }
      } finally {
        if (writer != null) {
          writer.close();
        }
      }
    }
  }

  private static void insert(
      PreparedStatement insert, String executionId, List<EventBatchCodec.Chunk> chunks)
      throws SQLException {
    for (EventBatchCodec.Chunk chunk : chunks) {
      insert.setString(1, executionId);
      insert.setLong(2, chunk.firstId());
      insert.setLong(3, chunk.lastId());
      insert.setBytes(4, chunk.events());
      insert.executeUpdate();
    }
  }

  private static void rollback(Statement statement) {
    try {
      statement.executeUpdate("ROLLBACK");
    } catch (SQLException e) {
      // SQLite rolls back by itself after some errors (e.g. a full disk); nothing left to undo.
    }
  }
}
