package dev.cairn.engine.store;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes a database as the first version of the SQLite store did (schema version 1, one row per
 * event), with that version's SQL copied here, so that the migration is tested against what an
 * existing installation has on disk.
 */
final class FirstSchema {
  private FirstSchema() {}

  static void create(Statement statement) throws SQLException {
    statement.execute("PRAGMA journal_mode = WAL");
    statement.executeUpdate(
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
        )""");
    statement.executeUpdate(
        "CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status)");
    statement.executeUpdate(
        "CREATE INDEX IF NOT EXISTS executions_by_start ON executions (start_date)");
    statement.executeUpdate(
        """
        CREATE TABLE IF NOT EXISTS events (
          execution_id TEXT NOT NULL,
          id INTEGER NOT NULL,
          previous_event_id INTEGER NOT NULL,
          timestamp TEXT NOT NULL,
          type TEXT NOT NULL,
          frame TEXT,
          details TEXT,
          PRIMARY KEY (execution_id, id)
        )""");
    statement.executeUpdate("PRAGMA user_version = 1");
  }

  static void insertExecution(Connection connection, ExecutionDescription d, String definition)
      throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO executions (id, name, state_machine_name, status, start_date, stop_date,"
                + " input, output, error, cause, definition)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, d.executionArn());
      s.setString(2, d.name());
      s.setString(3, d.stateMachineName());
      s.setString(4, d.status().name());
      s.setString(5, InstantText.format(d.startDate()));
      s.setString(6, d.stopDate() == null ? null : InstantText.format(d.stopDate()));
      s.setString(7, d.input() == null ? null : Json.write(d.input()));
      s.setString(8, d.output() == null ? null : Json.write(d.output()));
      s.setString(9, d.error());
      s.setString(10, d.cause());
      s.setString(11, definition);
      s.executeUpdate();
    }
  }

  static void insertEvents(Connection connection, String executionId, List<HistoryEvent> events)
      throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO events (execution_id, id, previous_event_id, timestamp, type, frame,"
                + " details) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (HistoryEvent event : events) {
        s.setString(1, executionId);
        s.setLong(2, event.id());
        s.setLong(3, event.previousEventId());
        s.setString(4, InstantText.format(event.timestamp()));
        s.setString(5, event.type().wireName());
        s.setString(6, event.frame());
        s.setString(7, event.details() == null ? null : Json.write(event.details()));
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
