package dev.cairn.engine.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The encoding of the SQLite store's event rows: the events of one {@code append} (one trigger) are
 * kept as one row, its {@code events} column the compact UTF-8 JSON text of an array with one array
 * per event:
 *
 * <pre>[[previousEventId, "timestamp", "Type", "frame", {details}], ...]</pre>
 *
 * <p>The row's first and last event ids are columns of their own and the ids in between are implied
 * by the position, so an event costs its details and a few dozen bytes. The timestamp is {@link
 * InstantText}'s form; {@code frame} and {@code details} may be {@code null}. JSON text rather than
 * a binary form so that the database stays readable with the {@code sqlite3} shell ({@code SELECT
 * CAST(events AS TEXT) FROM event_batches}, or its {@code json_each}).
 *
 * <p>Why one row per trigger: SQLite spends 3-5 microseconds on each row inserted (the B-tree
 * insert, the index, the record), which for the 40,006 events of a Map over 10,000 items was most
 * of a durable execution. Writing the same bytes as one record costs a fraction of that.
 *
 * <p>A batch is split into several chunks (rows) when its text passes {@link #CHUNK_BYTES}: one
 * trigger can produce gigabytes of events (a Map over many large items), more than SQLite's limit
 * on one value and more than is sensible to hold twice in memory when reading. Atomicity does not
 * depend on the row: the store writes every chunk of a batch in one transaction.
 */
final class EventBatchCodec {
  /** Past this many bytes of text, a chunk is closed and the next event starts a new one. */
  static final int CHUNK_BYTES = 1 << 20;

  private EventBatchCodec() {}

  /**
   * Encoded events with consecutive ids {@code firstId} to {@code lastId}: one row.
   *
   * @param events the JSON text described above, UTF-8
   */
  record Chunk(long firstId, long lastId, byte[] events) {}

  /** How many idle writers are kept for the next batches (each holds its buffer, up to 2 MiB). */
  private static final int POOLED = 4;

  /**
   * Idle writers. Making a generator and growing a buffer from nothing for every append cost about
   * a tenth of a durable Pass chain's time (the buffer's growth, mostly); appends come from several
   * engine threads at once, hence a pool rather than one writer.
   */
  private static final ConcurrentLinkedQueue<Writer> POOL = new ConcurrentLinkedQueue<>();

  /** Encodes every event of a batch, in chunks of about {@link #CHUNK_BYTES} at most. */
  static List<Chunk> encode(List<HistoryEvent> events) {
    Writer writer = POOL.poll();
    if (writer == null) {
      writer = new Writer(CHUNK_BYTES);
    }
    boolean reusable = false;
    try {
      for (HistoryEvent event : events) {
        writer.add(event);
      }
      List<Chunk> chunks = writer.finish();
      reusable = writer.bytes.capacity() <= 2 * CHUNK_BYTES; // not after one huge event
      return chunks;
    } finally {
      // After a failure the generator may be mid-value: such a writer is not reused.
      if (reusable && POOL.size() < POOLED) {
        POOL.offer(writer);
      } else {
        writer.close();
      }
    }
  }

  /**
   * Writes events into chunks through one generator and one buffer for the whole batch: making a
   * generator per event (as {@link Json#write} does) cost more than writing the small details of
   * most events.
   */
  static final class Writer implements AutoCloseable {
    private final int chunkBytes;
    private final Bytes bytes = new Bytes();
    private final InstantText.Buffer time = new InstantText.Buffer();
    private final SerializerProvider provider = Json.MAPPER.getSerializerProviderInstance();
    private final JsonGenerator generator;
    private final List<Chunk> chunks = new ArrayList<>();
    private long firstId;
    private long lastId;
    private boolean open;

    /**
     * A writer closing a chunk once it passes {@code chunkBytes}.
     *
     * @param chunkBytes the chunk size (smaller than {@link #CHUNK_BYTES} in tests)
     */
    Writer(int chunkBytes) {
      this.chunkBytes = chunkBytes;
      try {
        generator = Json.MAPPER.createGenerator(bytes);
      } catch (IOException e) {
        throw new IllegalStateException("a JSON generator could not be made", e);
      }
      // Each chunk is a root value of its own, taken out of the buffer before the next begins.
      generator.setRootValueSeparator(null);
    }

    /** Adds an event of the engine. */
    void add(HistoryEvent event) {
      try {
        begin(event.id());
        generator.writeStartArray();
        generator.writeNumber(event.previousEventId());
        if (time.format(event.timestamp())) {
          generator.writeString(time.chars, 0, InstantText.LENGTH);
        } else {
          generator.writeString(InstantText.format(event.timestamp()));
        }
        generator.writeString(event.type().wireName());
        generator.writeString(event.frame());
        ObjectNode details = event.details();
        if (details == null) {
          generator.writeNull();
        } else {
          details.serialize(generator, provider);
        }
        generator.writeEndArray();
      } catch (IOException e) {
        throw new IllegalStateException("the events could not be encoded", e);
      }
      end();
    }

    /**
     * Adds an event as the first schema stored it, one row per event with its details as JSON text:
     * copied as they are, without parsing them, when a database is migrated.
     */
    void addStored(
        long id,
        long previousEventId,
        String timestamp,
        String type,
        String frame,
        String detailsJson) {
      try {
        begin(id);
        generator.writeStartArray();
        generator.writeNumber(previousEventId);
        generator.writeString(timestamp);
        generator.writeString(type);
        generator.writeString(frame);
        if (detailsJson == null) {
          generator.writeNull();
        } else {
          generator.writeRawValue(detailsJson);
        }
        generator.writeEndArray();
      } catch (IOException e) {
        throw new IllegalStateException("the events could not be encoded", e);
      }
      end();
    }

    /** Starts a chunk unless {@code id} continues the open one (ids are implied by position). */
    private void begin(long id) throws IOException {
      if (open && id != lastId + 1) {
        closeChunk();
      }
      if (!open) {
        generator.writeStartArray();
        open = true;
        firstId = id;
      }
      lastId = id;
    }

    private void end() {
      if (generator.getOutputBuffered() + bytes.size() >= chunkBytes) {
        closeChunk();
      }
    }

    private void closeChunk() {
      try {
        generator.writeEndArray();
        generator.flush();
      } catch (IOException e) {
        throw new IllegalStateException("the events could not be encoded", e);
      }
      chunks.add(new Chunk(firstId, lastId, bytes.toByteArray()));
      bytes.reset();
      open = false;
    }

    /** The chunks closed so far and not taken yet, in order; the open one stays open. */
    List<Chunk> takeClosed() {
      if (chunks.isEmpty()) {
        return List.of();
      }
      List<Chunk> closed = List.copyOf(chunks);
      chunks.clear();
      return closed;
    }

    /** Closes the open chunk; then the chunks not taken yet, in order. */
    List<Chunk> finish() {
      if (open) {
        closeChunk();
      }
      return takeClosed();
    }

    @Override
    public void close() {
      try {
        generator.close();
      } catch (IOException e) {
        // Writing into memory: nothing to release.
      }
    }
  }

  /**
   * A growable byte array to write into, reused from chunk to chunk (Jackson's {@code
   * ByteArrayBuilder} allocates its blocks anew after each reset).
   */
  private static final class Bytes extends OutputStream {
    private byte[] array = new byte[8192];
    private int size;

    @Override
    public void write(int b) {
      ensure(1);
      array[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
      ensure(length);
      System.arraycopy(source, offset, array, size, length);
      size += length;
    }

    private void ensure(int more) {
      if (size + more > array.length) {
        array = Arrays.copyOf(array, Math.max(array.length * 2, size + more));
      }
    }

    int size() {
      return size;
    }

    int capacity() {
      return array.length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(array, size);
    }

    void reset() {
      size = 0;
    }
  }

  /**
   * Decodes one row into {@code into}.
   *
   * @throws IllegalStateException when the text is not what {@link Writer} writes, or holds another
   *     number of events than its ids say
   */
  static void decode(long firstId, long lastId, byte[] events, List<HistoryEvent> into) {
    long id = firstId;
    try (JsonParser parser = Json.MAPPER.createParser(events)) {
      expect(parser.nextToken(), JsonToken.START_ARRAY);
      while (parser.nextToken() == JsonToken.START_ARRAY) {
        expect(parser.nextToken(), JsonToken.VALUE_NUMBER_INT);
        long previousEventId = parser.getLongValue();
        expect(parser.nextToken(), JsonToken.VALUE_STRING);
        String timestamp = parser.getText();
        expect(parser.nextToken(), JsonToken.VALUE_STRING);
        HistoryEventType type = HistoryEventType.of(parser.getText());
        String frame = parser.nextToken() == JsonToken.VALUE_NULL ? null : parser.getText();
        ObjectNode details = null;
        if (parser.nextToken() != JsonToken.VALUE_NULL) {
          JsonNode node = Json.MAPPER.readTree(parser);
          if (!(node instanceof ObjectNode object)) {
            throw new IllegalStateException("event details are not a JSON object: " + node);
          }
          details = object;
        }
        expect(parser.nextToken(), JsonToken.END_ARRAY);
        into.add(
            new HistoryEvent(
                id, previousEventId, InstantText.parse(timestamp), type, frame, details));
        id++;
      }
      expect(parser.currentToken(), JsonToken.END_ARRAY);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "the stored events #" + firstId + "-#" + lastId + " cannot be read: " + e.getMessage(),
          e);
    }
    if (id != lastId + 1) {
      throw new IllegalStateException(
          "the stored events #"
              + firstId
              + "-#"
              + lastId
              + " hold "
              + (id - firstId)
              + " events instead of "
              + (lastId - firstId + 1));
    }
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + ", found " + actual);
    }
  }
}
