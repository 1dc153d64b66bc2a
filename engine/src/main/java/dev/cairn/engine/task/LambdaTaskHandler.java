package dev.cairn.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs Task states that invoke Lambda functions, with functions supplied as Java code ({@link
 * LambdaFunction}). Both ways Step Functions calls Lambda are handled:
 *
 * <ul>
 *   <li>the legacy resource {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME}: the function gets
 *       the task's effective parameters as its event, and the task result is the response payload;
 *   <li>the optimised integration {@code arn:aws:states:::lambda:invoke}: the parameters name the
 *       function ({@code FunctionName}) and its event ({@code Payload}), and the result is the AWS
 *       SDK response envelope {@code {ExecutedVersion, Payload, SdkHttpMetadata,
 *       SdkResponseMetadata, StatusCode}}.
 * </ul>
 *
 * <p>Functions are registered by name; a task may name them by plain name, by partial ARN ({@code
 * ACCOUNT:function:NAME}) or by full ARN, each optionally with a version or alias qualifier (which
 * is ignored: there is one version of each function). An unknown function fails the task with
 * {@code Lambda.ResourceNotFoundException}; a {@link LambdaFunctionError} fails it with the error
 * type as error name and the runtime's error report as cause, like AWS does.
 *
 * <p>Invocations in flight are cancelled ({@link CompletableFuture#cancel}) when the engine cancels
 * the task, e.g. when its {@code TimeoutSeconds} elapse.
 */
public final class LambdaTaskHandler implements TaskHandler {
  /** The resource of the optimised integration, which returns the SDK envelope. */
  public static final String INVOKE_RESOURCE = "arn:aws:states:::lambda:invoke";

  /** The pattern of legacy function resources, whose result is the bare payload. */
  public static final String FUNCTION_RESOURCE_PATTERN = "arn:aws:lambda:*:*:function:*";

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final String region;
  private final String account;
  private final Clock clock;
  private final Map<String, LambdaFunction> functions = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<JsonNode>> inFlight = new ConcurrentHashMap<>();

  /** A handler without functions, in region us-east-1 and account 000000000000. */
  public LambdaTaskHandler() {
    this("us-east-1", "000000000000", Clock.systemUTC());
  }

  /**
   * A handler without functions.
   *
   * @param region the region of functions named without one (used in error causes)
   * @param account the account of functions named without one (used in error causes)
   * @param clock the clock of the envelope's {@code Date} header
   */
  public LambdaTaskHandler(String region, String account, Clock clock) {
    this.region = Objects.requireNonNull(region);
    this.account = Objects.requireNonNull(account);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Registers (or replaces) a function.
   *
   * @param nameOrArn the function's name, or an ARN whose function name is used
   * @param function its code
   * @return this handler
   */
  public LambdaTaskHandler function(String nameOrArn, LambdaFunction function) {
    functions.put(FunctionRef.parse(nameOrArn).name(), Objects.requireNonNull(function));
    return this;
  }

  /**
   * Registers this handler in a registry for both Lambda resource forms: the {@code lambda:invoke}
   * integration and legacy function ARNs.
   *
   * @return the registry
   */
  public TaskHandlers registerOn(TaskHandlers handlers) {
    return handlers.register(INVOKE_RESOURCE, this).register(FUNCTION_RESOURCE_PATTERN, this);
  }

  @Override
  public CompletionStage<JsonNode> invoke(TaskRequest request) {
    boolean envelope = isInvokeIntegration(request.resource());
    JsonNode parameters = request.parameters() == null ? Json.object() : request.parameters();
    FunctionRef ref;
    JsonNode payload;
    if (envelope) {
      JsonNode functionName = parameters.get("FunctionName");
      if (functionName == null || !functionName.isTextual()) {
        return CompletableFuture.failedFuture(
            new StatesException(
                "States.Runtime",
                "The lambda:invoke integration needs a FunctionName string parameter, got: "
                    + Json.write(parameters)));
      }
      ref = FunctionRef.parse(functionName.asText());
      try {
        payload = invokePayload(parameters.get("Payload"));
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(
            new StatesException(
                "Lambda.InvalidRequestContentException",
                "Could not parse request body into json: " + e.getMessage()));
      }
    } else {
      ref = FunctionRef.parse(request.resource());
      payload = parameters;
    }
    LambdaFunction function = functions.get(ref.name());
    if (function == null) {
      return CompletableFuture.failedFuture(notFound(ref));
    }
    CompletableFuture<JsonNode> call = call(function, payload);
    String key = request.idempotencyKey();
    if (key != null) {
      inFlight.put(key, call);
      call.whenComplete((result, failure) -> inFlight.remove(key, call));
    }
    return call.handle(
        (result, failure) -> {
          if (failure != null) {
            throw failureOf(failure, envelope);
          }
          return envelope ? envelope(result) : result;
        });
  }

  /**
   * The event a function gets from the lambda:invoke integration. Its Payload is Invoke's request
   * body: a string is sent as is, so it is parsed as JSON text (AWS turns {@code "0"} into the
   * event {@code 0}); no payload or null is an empty body, which Lambda turns into {@code {}}.
   */
  private static JsonNode invokePayload(JsonNode payload) {
    if (payload == null || payload.isNull() || payload.isMissingNode()) {
      return Json.object();
    }
    if (payload.isTextual()) {
      return payload.asText().isBlank() ? Json.object() : Json.parse(payload.asText());
    }
    return payload;
  }

  private static CompletableFuture<JsonNode> call(LambdaFunction function, JsonNode payload) {
    try {
      return function.invoke(payload).toCompletableFuture();
    } catch (RuntimeException e) {
      // A function that throws instead of failing its stage failed all the same.
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void cancel(TaskRequest request) {
    if (request.idempotencyKey() == null) {
      return;
    }
    CompletableFuture<JsonNode> call = inFlight.remove(request.idempotencyKey());
    if (call != null) {
      call.cancel(true);
    }
  }

  private static boolean isInvokeIntegration(String resource) {
    // The partition may differ (aws-cn, aws-us-gov); the service part is what selects the form.
    return resource.contains(":states:::lambda:invoke");
  }

  private RuntimeException failureOf(Throwable failure, boolean compactCause) {
    Throwable root = failure;
    while (root instanceof CompletionException && root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof StatesException || root instanceof CancellationException) {
      return (RuntimeException) root;
    }
    LambdaFunctionError error =
        root instanceof LambdaFunctionError lambdaError
            ? lambdaError
            : new LambdaFunctionError(
                root.getClass().getSimpleName(),
                root.getMessage() == null ? "" : root.getMessage(),
                List.of());
    ObjectNode report = Json.object();
    report.put("errorMessage", error.errorMessage());
    report.put("errorType", error.errorType());
    report.put("requestId", UUID.randomUUID().toString());
    ArrayNode frames = report.putArray("stackTrace");
    error.reportedStackTrace().forEach(frames::add);
    // AWS passes the runtime's report through as text: the legacy resource shows it as the Python
    // runtime printed it (with spaces), the lambda:invoke integration re-encodes it compactly.
    String cause = compactCause ? Json.write(report) : pythonJson(report);
    return new StatesException(error.errorType(), cause);
  }

  private StatesException notFound(FunctionRef ref) {
    String arn =
        "arn:aws:lambda:"
            + (ref.region() == null ? region : ref.region())
            + ":"
            + (ref.account() == null ? account : ref.account())
            + ":function:"
            + ref.name()
            + ":$LATEST";
    return new StatesException(
        "Lambda.ResourceNotFoundException",
        "Function not found: "
            + arn
            + " (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException;"
            + " Request ID: "
            + UUID.randomUUID()
            + "; Proxy: null)");
  }

  /** The response of Lambda's Invoke as the AWS SDK for Java shapes it for Step Functions. */
  private ObjectNode envelope(JsonNode payload) {
    String requestId = UUID.randomUUID().toString();
    String length = Integer.toString(pythonJson(payload).getBytes(StandardCharsets.UTF_8).length);
    String date = HTTP_DATE.format(clock.instant());
    String traceId =
        "Root=1-"
            + Long.toHexString(clock.millis() / 1000)
            + "-"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    ObjectNode result = Json.object();
    result.put("ExecutedVersion", "$LATEST");
    result.set("Payload", payload);
    ObjectNode http = result.putObject("SdkHttpMetadata");
    ObjectNode all = http.putObject("AllHttpHeaders");
    all.putArray("X-Amz-Executed-Version").add("$LATEST");
    all.putArray("x-amzn-Remapped-Content-Length").add("0");
    all.putArray("Connection").add("keep-alive");
    all.putArray("x-amzn-RequestId").add(requestId);
    all.putArray("Content-Length").add(length);
    all.putArray("Date").add(date);
    all.putArray("X-Amzn-Trace-Id").add(traceId);
    all.putArray("Content-Type").add("application/json");
    ObjectNode headers = http.putObject("HttpHeaders");
    headers.put("Connection", "keep-alive");
    headers.put("Content-Length", length);
    headers.put("Content-Type", "application/json");
    headers.put("Date", date);
    headers.put("X-Amz-Executed-Version", "$LATEST");
    headers.put("x-amzn-Remapped-Content-Length", "0");
    headers.put("x-amzn-RequestId", requestId);
    headers.put("X-Amzn-Trace-Id", traceId);
    http.put("HttpStatusCode", 200);
    result.putObject("SdkResponseMetadata").put("RequestId", requestId);
    result.put("StatusCode", 200);
    return result;
  }

  /**
   * JSON as Python's {@code json.dumps} writes it by default ({@code ", "} and {@code ": "}
   * separators, non-ASCII escaped): the form Lambda's Python runtime produces, which determines the
   * response's Content-Length and the legacy error cause.
   */
  static String pythonJson(JsonNode node) {
    StringBuilder out = new StringBuilder();
    writePython(node, out);
    return out.toString();
  }

  private static void writePython(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isObject()) {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!first) {
          out.append(", ");
        }
        first = false;
        writePythonString(field.getKey(), out);
        out.append(": ");
        writePython(field.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        writePython(node.get(i), out);
      }
      out.append(']');
    } else if (node.isTextual()) {
      writePythonString(node.asText(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue() ? "true" : "false");
    } else {
      out.append(node.toString());
    }
  }

  private static void writePythonString(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A function as a task names it. Region and account are null when the name has none. */
  record FunctionRef(String name, String region, String account) {
    static FunctionRef parse(String text) {
      String[] parts = text.split(":", -1);
      if (text.startsWith("arn:") && parts.length >= 7 && "function".equals(parts[5])) {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        return new FunctionRef(parts[6], parts[3], parts[4]);
      }
      if (parts.length >= 3 && "function".equals(parts[1])) {
        // ACCOUNT:function:NAME[:QUALIFIER]
        return new FunctionRef(parts[2], null, parts[0]);
      }
      // NAME[:QUALIFIER]
      return new FunctionRef(parts[0], null, null);
    }
  }
}
