package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When a Wait state ends, read from the timer the interpreter arms (no waiting): Step Functions
 * waits for a timestamp "up to seconds" and truncates its fraction (AWS docs, Wait state), and
 * allows Seconds from 0 to 99999999.
 */
class WaitTimesTest {
  private static final Instant ENTERED = Instant.parse("2026-01-01T00:00:00Z");

  private static Interpreter interpreter(String definition, String input) {
    return new Interpreter(
        "exec-1",
        "run",
        "machine",
        DefinitionParser.parse(definition),
        Json.parse(input),
        Clock.fixed(ENTERED, ZoneOffset.UTC));
  }

  private static Interpreter started(String definition, String input) {
    Interpreter interpreter = interpreter(definition, input);
    interpreter.handle(new Trigger.Start());
    return interpreter;
  }

  private static Instant armedWait(String definition, String input) {
    return interpreter(definition, input).handle(new Trigger.Start()).commands().stream()
        .filter(Command.ArmTimer.class::isInstance)
        .map(Command.ArmTimer.class::cast)
        .filter(timer -> timer.kind() == Command.TimerKind.WAIT)
        .findFirst()
        .orElseThrow()
        .due();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"Timestamp\": \"2026-01-01T00:00:10.900Z\"",
        "\"TimestampPath\": \"$.at\"",
      })
  void aTimestampIsWaitedForToTheSecond(String field) {
    String definition =
        "{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", "
            + field
            + ", \"End\": true}}}";

    assertThat(armedWait(definition, "{\"at\": \"2026-01-01T00:00:10.900Z\"}"))
        .isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
  }

  @Test
  void aJsonataTimestampIsWaitedForToTheSecond() {
    assertThat(
            armedWait(
                """
                {"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait",
                  "Timestamp": "{% $states.input.at %}", "End": true}}}
                """,
                "{\"at\": \"2026-01-01T00:00:10.999999Z\"}"))
        .isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
  }

  @Test
  void jsonataSecondsAboveTheLimitFailTheQuery() {
    Interpreter interpreter =
        started(
            """
            {"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait",
              "Seconds": "{% 100000000 %}", "End": true}}}
            """,
            "{}");

    ExecutionDescription done = interpreter.describe();
    assertThat(done.error()).isEqualTo("States.QueryEvaluationError");
    assertThat(done.cause())
        .endsWith(
            "The value of the field 'Seconds' must be an integer from 0 to 99999999, but was:"
                + " 100000000");
    assertThat(
            armedWait(
                """
                {"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait",
                  "Seconds": "{% 99999999 %}", "End": true}}}
                """,
                "{}"))
        .isEqualTo(ENTERED.plusSeconds(99_999_999));
  }
}
