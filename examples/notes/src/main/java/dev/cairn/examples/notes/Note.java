package dev.cairn.examples.notes;

import java.time.Instant;

/**
 * A stored note.
 *
 * @param id its identifier, assigned by the database
 * @param text its text
 * @param createdAt when it was stored, by the database's clock
 */
public record Note(long id, String text, Instant createdAt) {

  /** The note as a JSON object: {@code {"id":1,"text":"...","createdAt":"2026-...Z"}}. */
  public String toJson() {
    return "{\"id\":"
        + id
        + ",\"text\":"
        + Json.quote(text)
        + ",\"createdAt\":"
        + Json.quote(createdAt.toString())
        + "}";
  }
}
