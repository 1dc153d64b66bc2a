package dev.cairn.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueExpressionTest {
  private static final EvaluationContext CTX =
      new EvaluationContext(
          Json.parse("{\"Error\":\"e\",\"list\":[1,2]}"),
          Json.parse("{\"State\":{\"Name\":\"S\"}}"));

  @Test
  void aPathReadsTheInput() {
    ValueExpression expression = ValueExpression.parse("$.Error");

    assertThat(expression.evaluate(CTX, "ErrorPath")).isEqualTo(Json.parse("\"e\""));
    assertThat(expression.path()).isNotNull();
    assertThat(expression.call()).isNull();
  }

  @Test
  void aContextPathReadsTheContextObject() {
    assertThat(ValueExpression.parse("$$.State.Name").evaluate(CTX, "ErrorPath"))
        .isEqualTo(Json.parse("\"S\""));
  }

  @Test
  void anIndefinitePathYieldsAnArray() {
    assertThat(ValueExpression.parse("$.list[*]").evaluate(CTX, "x.$"))
        .isEqualTo(Json.parse("[1,2]"));
  }

  @Test
  void aMissingPathFailsNamingTheField() {
    assertThatThrownBy(() -> ValueExpression.parse("$.ErrorX").evaluate(CTX, "ErrorPath"))
        .isInstanceOf(StatesException.class)
        .extracting(e -> ((StatesException) e).cause())
        .isEqualTo(
            "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in"
                + " the input '{\"Error\":\"e\",\"list\":[1,2]}'");
  }

  @Test
  void aCallIsParsedAsAnIntrinsicFunction() {
    ValueExpression expression = ValueExpression.parse("States.Format('{}', $.Error)");

    assertThat(expression.call()).isNotNull();
    assertThat(expression.path()).isNull();
    assertThat(expression.text()).isEqualTo("States.Format('{}', $.Error)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Error", "states.Format()", "$.", "$.a[", " $.a"})
  void anythingElseIsRejected(String text) {
    assertThatThrownBy(() -> ValueExpression.parse(text))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining("'" + text);
  }

  @Test
  void nullIsRejected() {
    assertThatThrownBy(() -> ValueExpression.parse(null)).isInstanceOf(InvalidPathException.class);
  }
}
