package dev.cairn.engine.jsonata;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.path.EvaluationContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JSONata expression (the text between {@code {%} and {@code %}}), parsed once when the
 * definition is loaded and evaluated against a state's {@code $states} and variables.
 *
 * <p>This is the only class that knows the JSONata library (com.dashjoin:jsonata); the rest of the
 * engine sees {@link dev.cairn.engine.expression.Expression}. Step Functions' own functions ({@code
 * $partition}, {@code $range}, {@code $hash}, {@code $random}, {@code $uuid}, {@code $parse}) are
 * added, and {@code $now}/{@code $millis} read the state's entry time, so that every value an
 * expression computes is reproduced when an execution is replayed.
 *
 * <p>Each evaluation has a time limit ({@link #TIME_LIMIT_MILLIS}, system property {@code
 * cairn.jsonata.timeLimitMillis}) and a depth limit; exceeding either fails the state with {@code
 * States.QueryEvaluationError} instead of holding the engine's thread. Thread-safe.
 */
public final class JsonataExpression {
  /** The time one evaluation may take before it fails. */
  public static final long TIME_LIMIT_MILLIS = Long.getLong("cairn.jsonata.timeLimitMillis", 5000);

  /** How deep evaluation (recursive functions) may nest before it fails. */
  static final int MAX_DEPTH = 500;

  private static final Pattern NAME = Pattern.compile("\\$([\\p{L}_][\\p{L}\\p{N}_]*)");

  /** How many parsed expressions are kept for reuse. */
  private static final int CACHE_SIZE = 4096;

  /**
   * Parsed expressions by text, least recently used dropped first. The library's parser is slow
   * (tens of microseconds an expression) and a definition is parsed again for every execution
   * started from it; a parsed expression is immutable, so one instance serves every definition.
   */
  private static final Map<String, JsonataExpression> CACHE =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JsonataExpression> eldest) {
              return size() > CACHE_SIZE;
            }
          });

  private final String text;
  private final Jsonata compiled;
  private final Set<String> names;

  private JsonataExpression(String text, Jsonata compiled, Set<String> names) {
    this.text = text;
    this.compiled = compiled;
    this.names = names;
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException with the library's message when it is not valid JSONata
   */
  public static JsonataExpression parse(String text) {
    JsonataExpression cached = CACHE.get(text);
    if (cached != null) {
      return cached;
    }
    JsonataExpression parsed = compile(text);
    CACHE.put(text, parsed);
    return parsed;
  }

  private static JsonataExpression compile(String text) {
    Jsonata compiled;
    try {
      compiled = Jsonata.jsonata(text);
    } catch (JException | IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(message(e), e);
    }
    compiled.setOutputConvertNulls(false);
    StepFunctionsFunctions.register(compiled);
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = NAME.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return new JsonataExpression(text, compiled, Set.copyOf(names));
  }

  /** The expression as written, without the delimiters. */
  public String text() {
    return text;
  }

  /**
   * Evaluates the expression.
   *
   * @param field the field it belongs to, for messages, e.g. {@code Output/result}
   * @return its value; null when it returned nothing (undefined)
   * @throws StatesException {@code States.QueryEvaluationError} when evaluation fails or takes too
   *     long, or the value has no JSON form
   */
  public JsonNode evaluate(EvaluationContext context, String field) {
    return evaluate(context, field, TIME_LIMIT_MILLIS);
  }

  /** {@link #evaluate(EvaluationContext, String)} with another time limit. */
  JsonNode evaluate(EvaluationContext context, String field, long timeLimitMillis) {
    Jsonata.Frame frame = compiled.createFrame();
    frame.setRuntimeBounds(timeLimitMillis, MAX_DEPTH);
    for (String name : names) {
      if (name.equals("states")) {
        if (context.states() != null) {
          frame.bind("states", JsonataValues.toJava(context.states()));
        }
        continue;
      }
      JsonNode value = context.variables().get(name);
      if (value != null) {
        frame.bind(name, JsonataValues.toJava(value));
      }
    }
    StepFunctionsFunctions.bindPerEvaluation(frame, names, context, field);
    Object result;
    try {
      result = compiled.evaluate(null, frame);
    } catch (StackOverflowError e) {
      throw failure(field, "threw an error during evaluation. It nests too deeply.");
    } catch (JException e) {
      String code = e.getError();
      throw failure(
          field,
          "threw an error during evaluation. "
              + (code == null || code.isBlank() ? "" : code + ": ")
              + message(e));
    } catch (RuntimeException e) {
      throw failure(field, "threw an error during evaluation. " + message(e));
    }
    try {
      return JsonataValues.toJson(result);
    } catch (IllegalArgumentException e) {
      // A function, or a number JSON cannot hold: Step Functions' words for both.
      throw failure(field, "returned an unsupported result type.");
    }
  }

  private StatesException failure(String field, String what) {
    return new StatesException(
        StatesErrors.QUERY_EVALUATION_ERROR,
        "The JSONata expression '" + text + "' specified for the field '" + field + "' " + what);
  }

  private static String message(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getMessage() == null) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message.strip();
  }

  @Override
  public String toString() {
    return text;
  }
}
