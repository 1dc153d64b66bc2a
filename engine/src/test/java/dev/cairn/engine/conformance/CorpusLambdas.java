package dev.cairn.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.task.LambdaFunction;
import dev.cairn.engine.task.LambdaFunctionError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda functions of the corpus, rebuilt from each case's {@code taskBehaviour}: the corpus
 * describes what the Python handlers do ({@code kind} plus prose), and this turns that into Java.
 */
final class CorpusLambdas {
  /** The size of the "large" function's answer: 257 KiB, just over Step Functions' limit. */
  private static final int LARGE_PAYLOAD_BYTES = 263_168;

  private static final Pattern RAISED =
      Pattern.compile("errorType \"([^\"]*)\", errorMessage \"([^\"]*)\"");

  private CorpusLambdas() {}

  /**
   * A function for one {@code taskBehaviour} entry.
   *
   * @throws IllegalArgumentException for a kind this harness does not know
   */
  static LambdaFunction of(JsonNode behaviour) {
    String kind = behaviour.path("kind").asText();
    String description = behaviour.path("description").asText();
    return switch (kind) {
      case "identity" -> payload -> CompletableFuture.completedFuture(payload);
      case "constant" -> constant(description);
      case "raise" -> raise(description);
      // The handler returns raw bytes that are the JSON text of a string; the payload is that
      // string, e.g. b'"HelloWorld!"' -> "HelloWorld!".
      case "bytes" -> bytes(description);
      // Raw 'a' bytes are not JSON; as a string they are as large, which is what the case tests.
      case "large" ->
          payload ->
              CompletableFuture.completedFuture(
                  Json.NODES.textNode("a".repeat(LARGE_PAYLOAD_BYTES)));
      // Sleeps longer than any task timeout of the corpus: the task's TimeoutSeconds must end it,
      // so the call never completes (the handler cancels it when the engine gives up).
      case "sleep" -> payload -> new CompletableFuture<>();
      default -> throw new IllegalArgumentException("unknown taskBehaviour kind " + kind);
    };
  }

  private static LambdaFunction constant(String description) {
    // "Ignores its input and returns the JSON object {...}."
    int start = description.indexOf('{');
    int end = description.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("no constant in: " + description);
    }
    JsonNode value = Json.parse(description.substring(start, end + 1));
    return payload -> CompletableFuture.completedFuture(value.deepCopy());
  }

  private static LambdaFunction bytes(String description) {
    Matcher matcher = Pattern.compile("b'([^']*)'").matcher(description);
    if (!matcher.find()) {
      throw new IllegalArgumentException("no bytes literal in: " + description);
    }
    JsonNode value = Json.parse(matcher.group(1));
    return payload -> CompletableFuture.completedFuture(value.deepCopy());
  }

  private static LambdaFunction raise(String description) {
    Matcher matcher = RAISED.matcher(description);
    if (!matcher.find()) {
      throw new IllegalArgumentException("no errorType/errorMessage in: " + description);
    }
    String type = matcher.group(1);
    String message = matcher.group(2);
    // The Python runtime's frame for the raising line, as the recordings show it.
    String frame =
        "Exception".equals(type)
            ? "  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\""
                + message
                + "\")\n"
            : "  File \"/var/task/handler.py\", line 9, in handler\n    raise " + type + "()\n";
    return payload ->
        CompletableFuture.failedFuture(new LambdaFunctionError(type, message, List.of(frame)));
  }
}
