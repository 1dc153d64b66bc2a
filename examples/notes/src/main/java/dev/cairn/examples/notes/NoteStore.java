package dev.cairn.examples.notes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Notes in the {@code notes} table (created by the Flyway migrations). */
public final class NoteStore {
  private final Database database;

  /**
   * Creates the store.
   *
   * @param database where the notes live
   */
  public NoteStore(Database database) {
    this.database = database;
  }

  /**
   * Stores a note.
   *
   * @param text its text
   * @return the stored note with its id and creation time
   * @throws SQLException when the database fails
   */
  public Note add(String text) throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into notes (text) values (?) returning id, text, created_at")) {
      insert.setString(1, text);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return read(row);
      }
    }
  }

  /**
   * Lists all notes, newest first.
   *
   * @return the notes
   * @throws SQLException when the database fails
   */
  public List<Note> list() throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement select =
            connection.prepareStatement(
                "select id, text, created_at from notes order by created_at desc, id desc");
        ResultSet rows = select.executeQuery()) {
      List<Note> notes = new ArrayList<>();
      while (rows.next()) {
        notes.add(read(rows));
      }
      return notes;
    }
  }

  /**
   * Finds one note.
   *
   * @param id its identifier
   * @return the note, or empty when there is none with that id
   * @throws SQLException when the database fails
   */
  public Optional<Note> find(long id) throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement select =
            connection.prepareStatement("select id, text, created_at from notes where id = ?")) {
      select.setLong(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  private static Note read(ResultSet row) throws SQLException {
    return new Note(
        row.getLong("id"),
        row.getString("text"),
        row.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
