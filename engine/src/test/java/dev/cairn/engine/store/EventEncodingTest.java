package dev.cairn.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.engine.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQLite store's hand-made encodings give the same text as the general ones they replace. */
class EventEncodingTest {
  private static final DateTimeFormatter GENERAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void instantsAreWrittenAsTheGeneralFormatterWritesThem() {
    List<Instant> instants =
        List.of(
            Instant.EPOCH,
            Instant.parse("2026-12-07T12:00:00Z"),
            Instant.parse("2026-02-28T23:59:59.999999999Z"),
            Instant.parse("2024-02-29T00:00:00.000000001Z"),
            Instant.parse("1999-12-31T23:59:59.5Z"),
            Instant.parse("9999-12-31T23:59:59.123456789Z"),
            Instant.parse("0999-01-01T00:00:00Z"),
            Instant.parse("+10000-01-01T00:00:00Z"));
    for (Instant instant : instants) {
      assertThat(InstantText.format(instant))
          .as(instant.toString())
          .isEqualTo(GENERAL.format(instant));
    }
  }

  @Test
  void eventDetailsAreWrittenAsJsonWriteWritesThem() {
    List<ObjectNode> details =
        List.of(
            Json.object(),
            (ObjectNode)
                Json.parse(
                    "{\"name\":\"A \\\"quoted\\\" \\u001f name\",\"input\":{\"n\":1.50,\"big\":"
                        + "123456789012345678901234567890,\"e\":1E+400,\"list\":[true,null,-0.0,"
                        + "\"\\u00e9\\ud83d\\ude00\"]}}"),
            (ObjectNode) Json.parse("{\"output\":[]}"));
    List<HistoryEvent> events = new ArrayList<>();
    for (int i = 0; i < details.size(); i++) {
      events.add(
          new HistoryEvent(
              i + 1, i, Instant.EPOCH, HistoryEventType.PASS_STATE_ENTERED, "", details.get(i)));
    }
    String[] written;
    try (EventEncoder encoder = new EventEncoder()) {
      written = encoder.details(events);
    }
    for (int i = 0; i < details.size(); i++) {
      assertThat(written[i]).isEqualTo(Json.write(details.get(i)));
    }
  }
}
