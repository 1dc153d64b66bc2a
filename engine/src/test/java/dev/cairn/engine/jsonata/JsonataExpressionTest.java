package dev.cairn.engine.jsonata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.Variables;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonataExpressionTest {
  private static final EvaluationContext CONTEXT =
      new EvaluationContext(
          null,
          Json.parse("{\"State\": {\"EnteredTime\": \"2026-03-04T05:06:07.089Z\"}}"),
          Variables.of(
              Map.of("list", Json.parse("[1, 2, 3, 4, 5]"), "nothing", Json.parse("null"))),
          Json.parse("{\"input\": {\"a\": 1.5, \"n\": null}}"),
          7);

  private static JsonNode eval(String expression) {
    return JsonataExpression.parse(expression).evaluate(CONTEXT, "Output");
  }

  @Test
  void readsStatesAndVariablesAndKeepsJsonNullApartFromUndefined() {
    assertThat(eval("$states.input.a * 2")).isEqualTo(Json.parse("3"));
    assertThat(eval("$states.input.n")).isEqualTo(Json.parse("null"));
    assertThat(eval("$nothing")).isEqualTo(Json.parse("null"));
    assertThat(eval("$states.input.missing")).isNull();
    assertThat(eval("$sum($list)")).isEqualTo(Json.parse("15"));
  }

  @Test
  void stepFunctionsFunctionsAreThere() {
    assertThat(eval("$partition($list, 2)")).isEqualTo(Json.parse("[[1, 2], [3, 4], [5]]"));
    assertThat(eval("$range(0, 10, 5)")).isEqualTo(Json.parse("[0, 5, 10]"));
    assertThat(eval("$hash('input', 'SHA-1')"))
        .isEqualTo(Json.parse("\"140f86aae51ab9e1cda9b4254fe98a74eb54c1a1\""));
    assertThat(eval("$parse('{\"k\": [true]}')")).isEqualTo(Json.parse("{\"k\": [true]}"));
    assertThat(eval("$now()")).isEqualTo(Json.parse("\"2026-03-04T05:06:07.089Z\""));
    assertThat(eval("$uuid()")).isEqualTo(eval("$uuid()"));
    double random = eval("$random()").doubleValue();
    assertThat(random).isBetween(0.0, 1.0);
  }

  @Test
  void aFailingOrEndlessExpressionIsAQueryEvaluationError() {
    assertThatThrownBy(() -> eval("$states.input.a + 'text'"))
        .isInstanceOf(StatesException.class)
        .extracting(e -> ((StatesException) e).error())
        .isEqualTo("States.QueryEvaluationError");
    assertThatThrownBy(() -> eval("($f := function($n) { $f($n + 1) }; $f(0))"))
        .isInstanceOf(StatesException.class)
        .hasMessageContaining("States.QueryEvaluationError");
    JsonataExpression endless = JsonataExpression.parse("$sum([1..999999].($sum([1..999999])))");
    assertThatThrownBy(() -> endless.evaluate(CONTEXT, "Output", 50))
        .isInstanceOf(StatesException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void anInvalidExpressionIsRefusedWhenParsed() {
    assertThatThrownBy(() -> JsonataExpression.parse("$x +"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
