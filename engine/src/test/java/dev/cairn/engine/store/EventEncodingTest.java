package dev.cairn.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SQLite store's hand-made encodings: they give the same text as the general ones they replace,
 * and read back what they wrote.
 */
class EventEncodingTest {
  private static final DateTimeFormatter GENERAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final List<Instant> INSTANTS =
      List.of(
          Instant.EPOCH,
          Instant.parse("2026-12-07T12:00:00Z"),
          Instant.parse("2026-02-28T23:59:59.999999999Z"),
          Instant.parse("2024-02-29T00:00:00.000000001Z"),
          Instant.parse("1999-12-31T23:59:59.5Z"),
          Instant.parse("9999-12-31T23:59:59.123456789Z"),
          Instant.parse("0999-01-01T00:00:00Z"),
          Instant.parse("+10000-01-01T00:00:00Z"));

  @Test
  void instantsAreWrittenAsTheGeneralFormatterWritesThem() {
    for (Instant instant : INSTANTS) {
      assertThat(InstantText.format(instant))
          .as(instant.toString())
          .isEqualTo(GENERAL.format(instant));
    }
  }

  @Test
  void theReusedBufferWritesWhatFormatWrites() {
    InstantText.Buffer buffer = new InstantText.Buffer();
    List<Instant> sequence = new ArrayList<>();
    for (Instant instant : INSTANTS) {
      sequence.add(instant);
      sequence.add(instant.plusNanos(1)); // same second: only the fraction is written again
      sequence.add(instant.plusSeconds(1));
    }
    for (Instant instant : sequence) {
      boolean written = buffer.format(instant);
      if (instant.isBefore(Instant.parse("1000-01-01T00:00:00Z"))
          || !instant.isBefore(Instant.parse("+10000-01-01T00:00:00Z"))) {
        assertThat(written).as(instant.toString()).isFalse();
      } else {
        assertThat(written).as(instant.toString()).isTrue();
        assertThat(new String(buffer.chars)).isEqualTo(InstantText.format(instant));
      }
    }
  }

  @Test
  void writersAreReusedWithoutCarryingAnythingOver() {
    for (int round = 0; round < 3; round++) {
      List<HistoryEvent> events = events(1 + round * 10L, 10 + round);
      List<EventBatchCodec.Chunk> chunks = EventBatchCodec.encode(events);
      assertThat(chunks).hasSize(1);
      List<HistoryEvent> read = new ArrayList<>();
      EventBatchCodec.decode(
          chunks.get(0).firstId(), chunks.get(0).lastId(), chunks.get(0).events(), read);
      assertThat(read).isEqualTo(events);
    }
  }

  @Test
  void instantsAreReadBackAsInstantParseReadsThem() {
    for (Instant instant : INSTANTS) {
      String text = InstantText.format(instant);
      assertThat(InstantText.parse(text)).as(text).isEqualTo(instant);
    }
    // Other ISO-8601 forms, as stored by hand or by an older version, still read.
    for (String text : List.of("2026-12-07T12:00:00Z", "2026-12-07T12:00:00.5Z")) {
      assertThat(InstantText.parse(text)).isEqualTo(Instant.parse(text));
    }
    for (String bad :
        List.of(
            "2026-13-07T12:00:00.000000000Z",
            "2026-02-30T12:00:00.000000000Z",
            "2026-12-07T12:00:0x.000000000Z",
            "yesterday")) {
      assertThatThrownBy(() -> InstantText.parse(bad))
          .as(bad)
          .isInstanceOf(DateTimeParseException.class);
    }
  }

  /**
   * The same text as {@link Json#write}, except outside the Basic Multilingual Plane: the UTF-8
   * generator writes both halves of a surrogate pair as escapes, which reads back the same (see the
   * next test) and keeps even a lone surrogate intact.
   */
  @Test
  void eventDetailsAreWrittenAsJsonWriteWritesThem() {
    List<ObjectNode> details =
        List.of(
            Json.object(),
            (ObjectNode)
                Json.parse(
                    "{\"name\":\"A \\\"quoted\\\" \\u001f name\",\"input\":{\"n\":1.50,\"big\":"
                        + "123456789012345678901234567890,\"e\":1E+400,\"list\":[true,null,-0.0,"
                        + "\"\\u00e9\"]}}"),
            (ObjectNode) Json.parse("{\"output\":[]}"));
    List<HistoryEvent> events = new ArrayList<>();
    StringBuilder expected = new StringBuilder("[");
    for (int i = 0; i < details.size(); i++) {
      events.add(
          new HistoryEvent(
              i + 1, i, Instant.EPOCH, HistoryEventType.PASS_STATE_ENTERED, "", details.get(i)));
      expected
          .append(i == 0 ? "" : ",")
          .append("[")
          .append(i)
          .append(",\"1970-01-01T00:00:00.000000000Z\",\"PassStateEntered\",\"\",")
          .append(Json.write(details.get(i)))
          .append("]");
    }
    expected.append("]");

    List<EventBatchCodec.Chunk> chunks = EventBatchCodec.encode(events);

    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).firstId()).isEqualTo(1);
    assertThat(chunks.get(0).lastId()).isEqualTo(3);
    assertThat(new String(chunks.get(0).events(), StandardCharsets.UTF_8))
        .isEqualTo(expected.toString());
  }

  /**
   * Every node type, and details on the engine's small field map, are written as {@link Json#write}
   * writes them.
   */
  @Test
  void everyKindOfNodeIsWrittenAsJsonWriteWritesIt() {
    ObjectNode small = Json.smallObject();
    small.put("name", "Item");
    small.put("index", 7);
    ObjectNode details = Json.object();
    details.put("int", Integer.MIN_VALUE);
    details.put("long", Long.MAX_VALUE);
    details.put("double", -2.5e-7);
    details.put("float", 1.25f);
    details.put("short", (short) 3);
    details.put("big", new java.math.BigInteger("-123456789012345678901234567890"));
    details.put("decimal", new java.math.BigDecimal("1.000E+3"));
    details.put("yes", true);
    details.put("no", false);
    details.putNull("nothing");
    details.put("text", "tab\t, quote \", \u00e9, \u2028");
    details.put("binary", new byte[] {1, 2, 3});
    details.putPOJO("pojo", List.of(1, "two"));
    details.set("small", small);
    details.putArray("nested").add(Json.object()).add(Json.NODES.arrayNode()).add(small).addNull();
    List<HistoryEvent> events =
        List.of(
            new HistoryEvent(1, 0, Instant.EPOCH, HistoryEventType.PASS_STATE_ENTERED, "", details),
            new HistoryEvent(2, 1, Instant.EPOCH, HistoryEventType.PASS_STATE_EXITED, "", small));

    String text =
        new String(EventBatchCodec.encode(events).get(0).events(), StandardCharsets.UTF_8);

    assertThat(text)
        .isEqualTo(
            "[[0,\"1970-01-01T00:00:00.000000000Z\",\"PassStateEntered\",\"\","
                + Json.write(details)
                + "],[1,\"1970-01-01T00:00:00.000000000Z\",\"PassStateExited\",\"\","
                + Json.write(small)
                + "]]");
  }

  @Test
  void readsBackWhatItWroteIncludingNullsAndAnyPreviousEventId() {
    List<HistoryEvent> events = new ArrayList<>();
    events.add(new HistoryEvent(7, 6, INSTANTS.get(3), HistoryEventType.TASK_SCHEDULED, "", null));
    events.add(
        new HistoryEvent(
            8, 2, INSTANTS.get(6), HistoryEventType.MAP_STATE_ENTERED, null, Json.object()));
    ObjectNode details = (ObjectNode) Json.parse("{\"name\":\"Étape 🚀\",\"n\":1.50,\"x\":1e400}");
    details.put("lone", "a\ud83d b"); // not valid UTF-16, but a Java string may hold it
    events.add(
        new HistoryEvent(
            9, 8, INSTANTS.get(7), HistoryEventType.EXECUTION_FAILED, "m/ä/3", details));

    List<EventBatchCodec.Chunk> chunks = EventBatchCodec.encode(events);
    List<HistoryEvent> read = new ArrayList<>();
    for (EventBatchCodec.Chunk chunk : chunks) {
      EventBatchCodec.decode(chunk.firstId(), chunk.lastId(), chunk.events(), read);
    }

    assertThat(read).isEqualTo(events);
    assertThat(read.get(2).details().get("n").decimalValue()).isEqualByComparingTo("1.50");
    assertThat(read.get(2).details().get("n").toString()).isEqualTo("1.50");
  }

  @Test
  void splitsALargeBatchIntoChunksThatReadBackInOrder() {
    List<HistoryEvent> events = events(1, 50);
    List<EventBatchCodec.Chunk> chunks;
    try (EventBatchCodec.Writer writer = new EventBatchCodec.Writer(300)) {
      events.forEach(writer::add);
      chunks = writer.finish();
    }

    assertThat(chunks).hasSizeGreaterThan(5);
    List<HistoryEvent> read = new ArrayList<>();
    long expectedFirst = 1;
    for (EventBatchCodec.Chunk chunk : chunks) {
      assertThat(chunk.firstId()).isEqualTo(expectedFirst);
      assertThat(chunk.lastId()).isGreaterThanOrEqualTo(chunk.firstId());
      // A chunk closes at the first event that takes it past the limit: one event's worth over.
      assertThat(chunk.events().length).isLessThan(300 + 200);
      EventBatchCodec.decode(chunk.firstId(), chunk.lastId(), chunk.events(), read);
      expectedFirst = chunk.lastId() + 1;
    }
    assertThat(expectedFirst).isEqualTo(51);
    assertThat(read).isEqualTo(events);
  }

  @Test
  void eventsAsTheFirstSchemaStoredThemAreCopiedToTheSameText() {
    List<HistoryEvent> events = events(1, 3);
    byte[] written = EventBatchCodec.encode(events).get(0).events();
    byte[] copied;
    try (EventBatchCodec.Writer writer = new EventBatchCodec.Writer(EventBatchCodec.CHUNK_BYTES)) {
      for (HistoryEvent e : events) {
        writer.addStored(
            e.id(),
            e.previousEventId(),
            InstantText.format(e.timestamp()),
            e.type().wireName(),
            e.frame(),
            Json.write(e.details()));
      }
      copied = writer.finish().get(0).events();
    }

    assertThat(new String(copied, StandardCharsets.UTF_8))
        .isEqualTo(new String(written, StandardCharsets.UTF_8));
  }

  @Test
  void refusesARowWhoseEventsDoNotMatchItsIds() {
    byte[] twoEvents = EventBatchCodec.encode(events(1, 2)).get(0).events();

    assertThatThrownBy(() -> EventBatchCodec.decode(1, 3, twoEvents, new ArrayList<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("#1-#3")
        .hasMessageContaining("2 events instead of 3");
    byte[] garbage = "[[1,2]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> EventBatchCodec.decode(1, 1, garbage, new ArrayList<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be read");
  }

  private static List<HistoryEvent> events(long from, int count) {
    List<HistoryEvent> events = new ArrayList<>();
    for (long id = from; id < from + count; id++) {
      ObjectNode details = Json.object();
      details.put("name", "State" + id);
      events.add(
          new HistoryEvent(
              id,
              id - 1,
              Instant.EPOCH.plusMillis(id),
              HistoryEventType.PASS_STATE_ENTERED,
              "p0/" + id,
              details));
    }
    return events;
  }
}
