package dev.cairn.server;

import dev.cairn.pipeline.json.Json;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run page's live feed, as server-sent events: {@code graph} (the state machine with its marks,
 * whenever they change), {@code log} (new output of the run's log files, as they grow) and {@code
 * end} once the run has ended and its logs are sent. The run's stores are read a few times a
 * second, like {@code cairn logs -f} reads them; a browser that reconnects gets {@code reset} and
 * everything again.
 */
final class RunEvents {
  /** How often the stores are read for news. */
  private static final Duration POLL = Duration.ofMillis(250);

  /** How often a silent stream sends a comment, which also tells when the browser has gone. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  /** The most log text one event carries. */
  private static final int MAX_CHUNK = 64 * 1024;

  private RunEvents() {}

  /** Streams {@code runId}'s news to {@code client} until the run ends or the browser leaves. */
  static void stream(SseClient client, DashboardData data, String runId)
      throws InterruptedException {
    client.sendEvent("reset", "{}");
    Map<Path, Long> offsets = new HashMap<>();
    String lastGraph = null;
    long quietSince = System.nanoTime();
    while (!client.terminated()) {
      Optional<DashboardData.RunDetail> run = data.run(runId);
      if (run.isEmpty()) {
        client.sendEvent("end", "{}");
        return;
      }
      // Read the status before the logs: when it says ended, the logs read after are complete.
      boolean ended = run.get().ended();
      String graph = Json.write(StateGraph.json(run.get()));
      boolean sent = false;
      if (!graph.equals(lastGraph)) {
        client.sendEvent("graph", graph);
        lastGraph = graph;
        sent = true;
      }
      for (Path file : data.logFiles(runId)) {
        String text;
        while (!(text = readFrom(file, offsets, false)).isEmpty()) {
          sendLog(client, file.getFileName().toString(), text);
          sent = true;
        }
      }
      for (Map.Entry<String, Path> release : data.releaseOutputs(runId).entrySet()) {
        Path file = release.getValue();
        boolean first = !offsets.containsKey(file);
        String text;
        while (!(text = readFrom(file, offsets, true)).isEmpty()) {
          String heading = first ? "--- release output (" + release.getKey() + ")\n" : "";
          sendLog(client, "release-" + release.getKey(), heading + data.mask(text));
          first = false;
          sent = true;
        }
      }
      if (ended) {
        client.sendEvent("end", "{}");
        return;
      }
      if (sent) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > HEARTBEAT.toNanos()) {
        client.sendComment("still running");
        quietSince = System.nanoTime();
      }
      Thread.sleep(POLL); // polling files and stores: nothing notifies of a log line
    }
  }

  private static void sendLog(SseClient client, String name, String text) {
    var chunk = Json.object();
    chunk.put("file", name);
    chunk.put("text", text);
    client.sendEvent("log", Json.write(chunk));
  }

  /**
   * The text of {@code file} after what was sent, up to {@link #MAX_CHUNK} bytes; with {@code
   * wholeLines}, only up to its last complete line (masking works on whole lines: a secret cut in
   * two would pass), unless a single line fills a whole chunk.
   */
  private static String readFrom(Path file, Map<Path, Long> offsets, boolean wholeLines) {
    long offset = offsets.getOrDefault(file, 0L);
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long available = in.length() - offset;
      if (available <= 0) {
        return "";
      }
      int length = (int) Math.min(available, MAX_CHUNK);
      byte[] bytes = new byte[length];
      in.seek(offset);
      in.readFully(bytes);
      // Never cut a UTF-8 character in two: stop before an incomplete one at the end.
      int end = wholeLines ? lastLineEnd(bytes) : completeUtf8(bytes);
      if (end == 0 && length == MAX_CHUNK) {
        end = completeUtf8(bytes);
      }
      if (end == 0) {
        return "";
      }
      offsets.put(file, offset + end);
      return new String(bytes, 0, end, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** How many leading bytes form whole lines (0 while the first line is not complete). */
  static int lastLineEnd(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  /** How many leading bytes form whole UTF-8 characters (a cut one at the end is left out). */
  static int completeUtf8(byte[] bytes) {
    int end = bytes.length;
    int back = 0;
    while (back < 3 && end - back - 1 >= 0 && (bytes[end - back - 1] & 0xC0) == 0x80) {
      back++;
    }
    int lead = end - back - 1;
    if (lead < 0) {
      return end;
    }
    int b = bytes[lead] & 0xFF;
    int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return needed > back + 1 ? lead : end;
  }
}
