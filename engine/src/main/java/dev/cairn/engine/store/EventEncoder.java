package dev.cairn.engine.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes the details of a batch of events as compact JSON text, the same text as {@link
 * Json#write}, through one generator and one buffer for the whole batch.
 *
 * <p>Why not {@link Json#write} per event: it makes a generator, a writer and a serializer provider
 * for each call, which for the small details of most events costs more than writing them (a Map of
 * 10,000 items appends 40,006 events in one batch).
 */
final class EventEncoder implements AutoCloseable {
  private final StringBuilder buffer = new StringBuilder(256);
  private final SerializerProvider provider = Json.MAPPER.getSerializerProviderInstance();
  private final JsonGenerator generator;

  EventEncoder() {
    try {
      generator = Json.MAPPER.createGenerator(new BuilderWriter(buffer));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON generator could not be made", e);
    }
    // Each event's details are a root value of their own: no separator between them.
    generator.setRootValueSeparator(null);
  }

  /** The details of each event as JSON text, null where an event has none. */
  String[] details(List<HistoryEvent> events) {
    String[] texts = new String[events.size()];
    for (int i = 0; i < texts.length; i++) {
      ObjectNode details = events.get(i).details();
      texts[i] = details == null ? null : write(details);
    }
    return texts;
  }

  private String write(ObjectNode node) {
    try {
      node.serialize(generator, provider);
      generator.flush();
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
    String text = buffer.toString();
    buffer.setLength(0);
    return text;
  }

  @Override
  public void close() {
    try {
      generator.close();
    } catch (IOException e) {
      // Writing into memory: nothing to release.
    }
  }

  /** A writer into a StringBuilder (StringWriter's buffer is a synchronized StringBuffer). */
  private static final class BuilderWriter extends Writer {
    private final StringBuilder target;

    BuilderWriter(StringBuilder target) {
      this.target = target;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      target.append(chars, offset, length);
    }

    @Override
    public void write(String text, int offset, int length) {
      target.append(text, offset, offset + length);
    }

    @Override
    public void write(int c) {
      target.append((char) c);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
