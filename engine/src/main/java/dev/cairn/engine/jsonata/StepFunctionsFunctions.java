package dev.cairn.engine.jsonata;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The functions Step Functions adds to JSONata ({@code $partition}, {@code $range}, {@code $hash},
 * {@code $random}, {@code $uuid}, {@code $parse}), and deterministic {@code $now} and {@code
 * $millis}.
 *
 * <p>{@code $random}, {@code $uuid}, {@code $now} and {@code $millis} must give the same values
 * when an execution is replayed after a restart: they derive them from the evaluation context's
 * seed (the execution, the state's entry and the field) and the state's entry time, which the
 * history records, instead of from a random source or the clock.
 */
final class StepFunctionsFunctions {
  /** Step Functions' limit on the arrays $range builds. */
  private static final int RANGE_LIMIT = 1000;

  private static final Map<String, String> HASH_ALGORITHMS =
      Map.of(
          "MD5", "MD5",
          "SHA-1", "SHA-1",
          "SHA-256", "SHA-256",
          "SHA-384", "SHA-384",
          "SHA-512", "SHA-512");

  private StepFunctionsFunctions() {}

  /** Registers the functions that depend only on their arguments. */
  static void register(Jsonata expression) {
    expression.registerFunction("partition", fn(StepFunctionsFunctions::partition));
    expression.registerFunction("range", fn(StepFunctionsFunctions::range));
    expression.registerFunction("hash", fn(StepFunctionsFunctions::hash));
    expression.registerFunction("parse", fn(StepFunctionsFunctions::parse));
  }

  /** Binds the functions whose values depend on the evaluation, when the expression uses them. */
  static void bindPerEvaluation(
      Jsonata.Frame frame, Set<String> names, EvaluationContext context, String field) {
    boolean random = names.contains("random");
    boolean uuid = names.contains("uuid");
    if (random || uuid) {
      SplittableRandom source = new SplittableRandom(context.seed() * 31 + field.hashCode());
      if (random) {
        frame.bind(
            "random",
            fn(
                args -> {
                  if (!args.isEmpty() && args.get(0) instanceof Number seed) {
                    return new SplittableRandom(seed.longValue()).nextDouble();
                  }
                  return source.nextDouble();
                }));
      }
      if (uuid) {
        frame.bind(
            "uuid",
            fn(
                args -> {
                  long most = (source.nextLong() & ~0xF000L) | 0x4000L;
                  long least = (source.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                  return new UUID(most, least).toString();
                }));
      }
    }
    if (names.contains("now") || names.contains("millis")) {
      long millis = enteredTime(context).toEpochMilli();
      frame.bind("millis", fn(args -> millis));
      frame.bind(
          "now",
          fn(
              args ->
                  Functions.dateTimeFromMillis(
                      millis,
                      args.isEmpty() ? null : (String) args.get(0),
                      args.size() < 2 ? null : (String) args.get(1))));
    }
  }

  /** The state's entry time from the context object; the clock only when it has none. */
  private static Instant enteredTime(EvaluationContext context) {
    JsonNode entered =
        context.context() == null ? null : context.context().path("State").path("EnteredTime");
    if (entered != null && entered.isTextual()) {
      try {
        return Instant.parse(entered.asText());
      } catch (DateTimeParseException e) {
        // A hand-written context object (TestState) may hold anything; the clock will do.
      }
    }
    return Instant.now();
  }

  /** A library function from a body that takes the argument list. */
  private static Jsonata.JFunction fn(Body body) {
    return new Jsonata.JFunction((input, args) -> body.apply(args), null);
  }

  @FunctionalInterface
  private interface Body {
    Object apply(List<?> args) throws Exception;
  }

  private static Object partition(List<?> args) {
    List<?> array = list(args, 0, "$partition");
    int size = integer(args, 1, "$partition");
    if (size <= 0) {
      throw new IllegalArgumentException(
          "$partition: the chunk size must be a positive integer, but is " + size);
    }
    List<Object> chunks = new ArrayList<>();
    for (int i = 0; i < array.size(); i += size) {
      chunks.add(new ArrayList<>(array.subList(i, Math.min(array.size(), i + size))));
    }
    return chunks;
  }

  private static Object range(List<?> args) {
    int start = integer(args, 0, "$range");
    int end = integer(args, 1, "$range");
    int step = integer(args, 2, "$range");
    if (step == 0) {
      throw new IllegalArgumentException("$range: the step must not be 0");
    }
    List<Object> values = new ArrayList<>();
    for (long v = start; step > 0 ? v <= end : v >= end; v += step) {
      if (values.size() == RANGE_LIMIT) {
        throw new IllegalArgumentException(
            "$range: the array would have more than " + RANGE_LIMIT + " items");
      }
      values.add((int) v);
    }
    return values;
  }

  private static Object hash(List<?> args) throws NoSuchAlgorithmException {
    if (args.isEmpty() || !(args.get(0) instanceof String data)) {
      throw new IllegalArgumentException("$hash: the first argument must be a string");
    }
    Object name = args.size() > 1 ? args.get(1) : null;
    String algorithm = name instanceof String s ? HASH_ALGORITHMS.get(s) : null;
    if (algorithm == null) {
      throw new IllegalArgumentException(
          "$hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384 and SHA-512, but is "
              + name);
    }
    byte[] digest =
        MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest);
  }

  private static Object parse(List<?> args) {
    if (args.isEmpty() || !(args.get(0) instanceof String text)) {
      throw new IllegalArgumentException("$parse: the argument must be a string of JSON");
    }
    JsonNode parsed;
    try {
      parsed = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("$parse: the argument is not valid JSON: " + text, e);
    }
    return JsonataValues.toJava(parsed);
  }

  private static List<?> list(List<?> args, int index, String function) {
    Object value = index < args.size() ? args.get(index) : null;
    if (value instanceof List<?> list) {
      return list;
    }
    throw new IllegalArgumentException(
        function + ": argument " + (index + 1) + " must be an array");
  }

  private static int integer(List<?> args, int index, String function) {
    Object value = index < args.size() ? args.get(index) : null;
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.intValue();
    }
    throw new IllegalArgumentException(
        function + ": argument " + (index + 1) + " must be an integer, but is " + value);
  }
}
