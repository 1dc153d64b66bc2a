package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.choice.Timestamps;
import dev.cairn.engine.definition.StateFlow;
import dev.cairn.engine.definition.WaitState;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a Wait state ends: its {@code Seconds}, {@code Timestamp}, {@code SecondsPath} or {@code
 * TimestampPath} (or JSONata's {@code Seconds}/{@code Timestamp}) resolved against the state's
 * input, with Step Functions' {@code States.Runtime} causes for values it cannot use.
 */
final class WaitTimes {
  /**
   * The longest wait Step Functions accepts, in seconds: it keeps a wait's delay as a 32-bit number
   * of seconds, so a timestamp 24,855 days ahead is accepted and one 24,856 days ahead fails
   * (recorded against AWS).
   */
  static final long MAX_DELAY_SECONDS = Integer.MAX_VALUE;

  /** The cause Step Functions gives for a wait longer than {@link #MAX_DELAY_SECONDS}. */
  static final String DELAY_TOO_LONG = "Wait state delay is too long.";

  private WaitTimes() {}

  /**
   * The instant a Wait state entered at {@code entered} ends.
   *
   * @throws StatesException {@code States.Runtime} when a path's value is missing, not a
   *     non-negative integer or not a timestamp, or the wait is longer than Step Functions allows;
   *     {@code States.QueryEvaluationError} for a JSONata expression that fails
   */
  static Instant due(WaitState wait, StateFlow flow, EvaluationContext context, Instant entered) {
    Instant due;
    if (flow.field("Seconds") != null) {
      Integer seconds =
          JsonataSemantics.integer(
              flow.field("Seconds"), "Seconds", context, null, 0, WaitState.MAX_SECONDS);
      due = entered.plusSeconds(seconds);
    } else if (flow.field("Timestamp") != null) {
      due = toTheSecond(JsonataSemantics.timestamp(flow.field("Timestamp"), context));
    } else if (wait.seconds() != null) {
      due = entered.plusSeconds(delay(wait.seconds()));
    } else if (wait.timestamp() != null) {
      due = toTheSecond(wait.timestamp());
    } else if (wait.secondsPath() != null) {
      JsonNode value = wait.secondsPath().read(context);
      if (value == null) {
        throw StatesException.runtime(
            "The SecondsPath parameter does not reference an input value: "
                + wait.secondsPath().text());
      }
      due = entered.plusSeconds(delay(seconds(value, wait.secondsPath())));
    } else {
      JsonNode value = wait.timestampPath().select(context, "TimestampPath");
      due = toTheSecond(timestamp(value, wait.timestampPath()));
    }
    if (due.isAfter(entered) && Duration.between(entered, due).getSeconds() > MAX_DELAY_SECONDS) {
      throw StatesException.runtime(DELAY_TOO_LONG);
    }
    return due;
  }

  /**
   * A timestamp as Step Functions waits for it: "up to seconds", its fraction truncated (AWS docs,
   * Wait state).
   */
  private static Instant toTheSecond(Instant timestamp) {
    return timestamp.truncatedTo(ChronoUnit.SECONDS);
  }

  /** A delay in seconds, refused when longer than Step Functions allows (before any overflow). */
  private static long delay(long seconds) {
    if (seconds > MAX_DELAY_SECONDS) {
      throw StatesException.runtime(DELAY_TOO_LONG);
    }
    return seconds;
  }

  /**
   * SecondsPath's value: a whole JSON number that fits a long ({@code 2.0} is 2); a fraction, a
   * number beyond a long or any other type "cannot be parsed as a long value", as AWS words it.
   */
  private static long seconds(JsonNode value, JsonPath path) {
    if (value.isNumber() && Json.isWhole(value.decimalValue()) && fitsLong(value.decimalValue())) {
      long seconds = value.decimalValue().longValueExact();
      if (seconds < 0) {
        throw StatesException.runtime(
            "The SecondsPath parameter references a negative value: "
                + path.text()
                + " == "
                + Json.write(value));
      }
      return seconds;
    }
    throw StatesException.runtime(
        "The SecondsPath parameter cannot be parsed as a long value: "
            + path.text()
            + " == "
            + (value.isTextual() ? value.asText() : Json.write(value)));
  }

  /**
   * TimestampPath's value: a string in the specification's timestamp format (RFC 3339 with an
   * uppercase {@code T} and an uppercase {@code Z} or a numeric offset); anything else is not a
   * "valid ISO-8601 extended offset date-time format string", as AWS words it.
   */
  private static Instant timestamp(JsonNode value, JsonPath path) {
    Instant instant = value.isTextual() ? Timestamps.parse(value.textValue()) : null;
    if (instant == null) {
      throw StatesException.runtime(
          "The TimestampPath parameter does not reference a valid ISO-8601 extended offset"
              + " date-time format string: "
              + path.text()
              + " == "
              + (value.isTextual() ? value.asText() : Json.write(value)));
    }
    return instant;
  }

  private static boolean fitsLong(BigDecimal value) {
    return value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
        && value.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0;
  }
}
