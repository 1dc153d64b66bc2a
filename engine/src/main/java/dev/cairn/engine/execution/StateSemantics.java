package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.definition.Catcher;
import dev.cairn.engine.definition.MapState;
import dev.cairn.engine.definition.ParallelState;
import dev.cairn.engine.definition.Retrier;
import dev.cairn.engine.definition.State;
import dev.cairn.engine.definition.TaskState;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.JsonPath;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The rules of a state's semantics that do not depend on how it is run: which errors a Retrier or
 * Catcher matches, retry intervals, a Catcher's error output, Map limits and failure tolerance.
 * Shared by the {@link Interpreter} (whole executions) and the TestState API (one state), so both
 * judge a state alike.
 */
public final class StateSemantics {
  private StateSemantics() {}

  /**
   * A Map state's limits, resolved against its input.
   *
   * @param maxConcurrency at most this many iterations at once; 0 means no limit
   * @param toleratedCount failed iterations tolerated, or null
   * @param toleratedPercentage share of failed iterations tolerated (0 to 100), or null
   */
  public record MapLimits(
      int maxConcurrency, Integer toleratedCount, BigDecimal toleratedPercentage) {
    /** Whether any failure tolerance is configured; without one, the first failure fails. */
    public boolean tolerant() {
      return toleratedCount != null || toleratedPercentage != null;
    }

    /** Whether {@code failed} failed iterations of {@code total} exceed the tolerance. */
    public boolean exceeded(int failed, int total) {
      if (toleratedCount != null && failed > toleratedCount) {
        return true;
      }
      if (toleratedPercentage != null && total > 0) {
        BigDecimal failedPercent =
            BigDecimal.valueOf(failed * 100L)
                .divide(BigDecimal.valueOf(total), 6, RoundingMode.HALF_UP);
        return failedPercent.compareTo(toleratedPercentage) > 0;
      }
      return false;
    }
  }

  /** The cause of {@code States.ExceedToleratedFailureThreshold}, worded as Step Functions does. */
  public static final String TOLERANCE_EXCEEDED_CAUSE =
      "The specified tolerated failure threshold was exceeded";

  // instanceof rather than a pattern switch in these two: read for every state entered, and a
  // pattern switch's bootstrap generates a class at run time, which a short-lived process pays for.

  /** The state's Retry rules; empty for states that cannot retry. */
  public static List<Retrier> retriers(State state) {
    if (state instanceof TaskState task) {
      return task.retry();
    } else if (state instanceof ParallelState parallel) {
      return parallel.retry();
    } else if (state instanceof MapState map) {
      return map.retry();
    }
    return List.of();
  }

  /** The state's Catch rules; empty for states that cannot catch. */
  public static List<Catcher> catchers(State state) {
    if (state instanceof TaskState task) {
      return task.catchers();
    } else if (state instanceof ParallelState parallel) {
      return parallel.catchers();
    } else if (state instanceof MapState map) {
      return map.catchers();
    }
    return List.of();
  }

  /**
   * Whether Retry and Catch apply to an error at all: {@code States.Runtime} errors are neither
   * retried nor caught, as in Step Functions.
   */
  public static boolean recoverable(String error) {
    return !StatesErrors.RUNTIME.equals(error);
  }

  /**
   * The detail of a TaskTimedOut event that marks a heartbeat timeout, which Step Functions reports
   * as {@code States.Timeout} like any other timeout (a Cairn addition to the event's shape).
   */
  public static final String HEARTBEAT_DETAIL = "heartbeatTimeout";

  /**
   * The error a state reports: a heartbeat timeout is {@code States.Timeout} (recorded against AWS;
   * the specification: "if more time than the specified heartbeat elapses between heartbeats from
   * the task, then the interpreter fails the state with a States.Timeout Error Name"). {@code
   * States.HeartbeatTimeout} is only a name that Retry and Catch can match.
   */
  public static String reported(String error) {
    return StatesErrors.HEARTBEAT_TIMEOUT.equals(error) ? StatesErrors.TIMEOUT : error;
  }

  /**
   * Whether a recorded TaskTimedOut event was a heartbeat timeout (databases written before the
   * event carried {@link #HEARTBEAT_DETAIL} recorded the error {@code States.HeartbeatTimeout}).
   */
  public static boolean heartbeatTimedOut(HistoryEvent event) {
    return event.details().path(HEARTBEAT_DETAIL).asBoolean(false)
        || StatesErrors.HEARTBEAT_TIMEOUT.equals(event.text("error"));
  }

  /**
   * Whether an ErrorEquals list matches an error raised by {@code state}. A heartbeat timeout
   * ({@code States.HeartbeatTimeout} here) is also matched by {@code States.Timeout}, as every
   * timeout of a task is.
   */
  public static boolean matches(List<String> errorEquals, String error, State state) {
    for (String candidate : errorEquals) {
      if (candidate.equals(error)) {
        return true;
      }
      if (candidate.equals(StatesErrors.TIMEOUT) && StatesErrors.HEARTBEAT_TIMEOUT.equals(error)) {
        return true;
      }
      // In a Task state, States.TaskFailed stands for every error the task raised but a timeout.
      if (candidate.equals(StatesErrors.TASK_FAILED)
          && state instanceof TaskState
          && !StatesErrors.TIMEOUT.equals(error)
          && !StatesErrors.HEARTBEAT_TIMEOUT.equals(error)
          && !StatesErrors.RUNTIME.equals(error)
          && !StatesErrors.DATA_LIMIT_EXCEEDED.equals(error)) {
        return true;
      }
      if (candidate.equals(StatesErrors.ALL)
          && !StatesErrors.RUNTIME.equals(error)
          && !StatesErrors.DATA_LIMIT_EXCEEDED.equals(error)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The interval before a retry, without jitter: IntervalSeconds × BackoffRate^retriesSoFar, at
   * most MaxDelaySeconds.
   */
  public static double retryDelaySeconds(Retrier retrier, int retriesSoFar) {
    double delay = retrier.intervalSeconds() * Math.pow(retrier.backoffRate(), retriesSoFar);
    return retrier.maxDelaySeconds() == null ? delay : Math.min(delay, retrier.maxDelaySeconds());
  }

  /** What a Catcher places with its ResultPath: {@code {"Error": ..., "Cause": ...}}. */
  public static ObjectNode errorOutput(String error, String cause) {
    ObjectNode errorOutput = Json.object();
    errorOutput.put("Error", error);
    errorOutput.put("Cause", cause == null ? "" : cause);
    return errorOutput;
  }

  /** A Fail state's ErrorPath or CausePath value as text; null stays null. */
  public static String text(JsonNode value) {
    return value == null || value.isNull()
        ? null
        : value.isTextual() ? value.asText() : Json.write(value);
  }

  /**
   * Resolves MaxConcurrency(Path), ToleratedFailureCount(Path) and ToleratedFailurePercentage(Path)
   * against the Map state's effective input.
   *
   * @throws StatesException {@code States.Runtime} when a path's value is not valid
   */
  public static MapLimits mapLimits(MapState map, EvaluationContext context) {
    int maxConcurrency =
        map.maxConcurrencyPath() == null
            ? (map.maxConcurrency() == null ? 0 : map.maxConcurrency())
            : nonNegativeInteger(
                map.maxConcurrencyPath().select(context, "MaxConcurrencyPath"),
                "MaxConcurrencyPath",
                map.maxConcurrencyPath());
    Integer toleratedCount = map.toleratedFailureCount();
    if (map.toleratedFailureCountPath() != null) {
      toleratedCount =
          nonNegativeInteger(
              map.toleratedFailureCountPath().select(context, "ToleratedFailureCountPath"),
              "ToleratedFailureCountPath",
              map.toleratedFailureCountPath());
    }
    BigDecimal toleratedPercentage = map.toleratedFailurePercentage();
    if (map.toleratedFailurePercentagePath() != null) {
      JsonNode value =
          map.toleratedFailurePercentagePath().select(context, "ToleratedFailurePercentagePath");
      if (value.isTextual() && isDecimal(value.asText())) {
        value = Json.NODES.numberNode(new BigDecimal(value.asText()));
      }
      if (!value.isNumber()) {
        throw StatesException.runtime(
            "The ToleratedFailurePercentagePath field refers to value \""
                + (value.isTextual() ? value.asText() : Json.write(value))
                + "\" which is not a valid float: "
                + map.toleratedFailurePercentagePath().text());
      }
      toleratedPercentage = value.decimalValue();
    }
    if (toleratedPercentage != null
        && (toleratedPercentage.signum() < 0
            || toleratedPercentage.compareTo(BigDecimal.valueOf(100)) > 0)) {
      throw StatesException.runtime("ToleratedFailurePercentage must be between 0 and 100.");
    }
    return new MapLimits(maxConcurrency, toleratedCount, toleratedPercentage);
  }

  /**
   * The {@code States.Runtime} error of a JSONPath Map state whose ItemsPath (default {@code $})
   * does not select an array, worded as Step Functions words it (recorded through TestState): the
   * path as a reference path, a context path relative to the context object ({@code $$.Execution.
   * Input} reads {@code $.Execution.Input}).
   */
  public static StatesException itemsNotArray(JsonPath itemsPath) {
    String text =
        itemsPath == null
            ? "$"
            : itemsPath.isContextPath() ? itemsPath.text().substring(1) : itemsPath.text();
    return StatesException.runtime("Reference path \"" + text + "\" must point to array.");
  }

  /**
   * A task handler's failure as the error it names: a {@link StatesException} (possibly wrapped in
   * a {@link java.util.concurrent.CompletionException}) keeps its error; any other exception is
   * {@code States.TaskFailed}.
   */
  public static StatesException taskFailure(Throwable failure) {
    Throwable root =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (root instanceof StatesException states) {
      return states;
    }
    return new StatesException(
        StatesErrors.TASK_FAILED,
        root.getClass().getSimpleName()
            + (root.getMessage() == null ? "" : ": " + root.getMessage()));
  }

  /**
   * Whether a value is a positive whole JSON number that fits an int ({@code 2.0} counts as 2;
   * {@code 1.5}, strings, booleans and null do not).
   */
  public static boolean isPositiveInt(JsonNode value) {
    if (!value.isNumber() || !value.canConvertToInt()) {
      return false;
    }
    BigDecimal number = value.decimalValue();
    return number.signum() > 0 && Json.isWhole(number);
  }

  private static boolean isDecimal(String text) {
    try {
      new BigDecimal(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * A {@code *Path} field's integer: a JSON integer, or a string holding one (Step Functions reads
   * the value's text, so {@code "2"} is 2).
   */
  private static int nonNegativeInteger(JsonNode value, String field, JsonPath path) {
    Long number = null;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      number = value.longValue();
    } else if (value.isTextual()) {
      try {
        number = Long.parseLong(value.asText());
      } catch (NumberFormatException e) {
        // Reported below as not a valid integer.
      }
    }
    if (number == null || number > Integer.MAX_VALUE || number < Integer.MIN_VALUE) {
      throw StatesException.runtime(
          "The "
              + field
              + " field refers to value \""
              + (value.isTextual() ? value.asText() : Json.write(value))
              + "\" which is not a valid integer: "
              + path.text());
    }
    if (number < 0) {
      String name = field.substring(0, field.length() - "Path".length());
      throw StatesException.runtime(
          name.equals("ToleratedFailureCount")
              ? "ToleratedFailureCount cannot be negative."
              : "Expected non-negative integer for " + name + ", got '" + number + "' instead.");
    }
    return number.intValue();
  }
}
