package dev.cairn.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Path arguments of intrinsic functions. The causes are those AWS Step Functions writes (captured
 * from real executions and published by other emulators' test suites): the whole expression as
 * written, then the path that matched nothing and the state input.
 */
class IntrinsicPathArgumentTest {
  private static final JsonNode CONTEXT =
      Json.parse("{\"Execution\": {\"Input\": {\"k\": \"v\"}}, \"State\": {\"Name\": \"P\"}}");

  private static JsonNode evaluate(String call, String input) {
    return IntrinsicFunction.parse(call)
        .evaluate(new EvaluationContext(Json.parse(input), CONTEXT), "value.$");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "States.Format('{}', $.nul) | {\"nul\": null} | \"null\"",
        "States.Format('{}-{}', $.a, $$.State.Name) | {\"a\": 1} | \"1-P\"",
        "States.Format($.tpl, 1) | {\"tpl\": \"n={}\"} | \"n=1\"",
        "States.JsonToString($) | {\"other\": 1} | \"{\\\"other\\\":1}\"",
        "States.ArrayLength($.items[*].nope) | {\"items\": [1, 2]} | 0",
        "States.ArrayLength($.items[?(@.k == 'a,b')]) | {\"items\": [{\"k\": \"a,b\"}, {\"k\": 1}]} | 1",
        "States.ArrayGetItem($.arr, $.index) | {\"arr\": [1, 2, 3], \"index\": 2} | 3",
        "States.StringSplit($$.Execution.Input.k, ',') | {} | [\"v\"]",
        "States.Base64Decode(States.Base64Encode($.s)) | {\"s\": \"round trip\"} | \"round trip\"",
        "States.Array( $.a , $['b c'] ) | {\"a\": 1, \"b c\": 2} | [1, 2]",
      })
  void readsArgumentsFromTheInputAndTheContext(String call, String input, String expected) {
    assertThat(evaluate(call, input)).isEqualTo(Json.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "States.Format('{}', $.nope) | $.nope | {\"other\":1}",
        "States.Format('{}',$.nope) | $.nope | {\"other\":1}",
        "States.Format('{} {}', $.other, $.a.b) | $.a.b | {\"other\":1}",
        "States.Format($.nope, 1) | $.nope | {\"other\":1}",
        "States.Format('{}', States.Format('{}', $.nope)) | $.nope | {\"other\":1}",
        "States.ArrayLength($.nope) | $.nope | {\"other\":1}",
        "States.MathAdd($.nope, 1) | $.nope | {\"other\":1}",
        "States.JsonMerge($.nope, $.other, false) | $.nope | {\"other\":1}",
        "States.Format('{}', $.items[5]) | $.items[5] | {\"items\":[1,2]}",
        "States.Format('{}', $$.Nope.Deep) | $.Nope.Deep | {\"other\":1}",
      })
  void failsWhenAPathMatchesNothing(String call, String path, String input) {
    assertThatThrownBy(() -> evaluate(call, input))
        .isInstanceOfSatisfying(
            StatesException.class,
            e -> {
              assertThat(e.error()).isEqualTo(StatesErrors.RUNTIME);
              assertThat(e.cause())
                  .isEqualTo(
                      "The function '"
                          + call
                          + "' had the following error: The JsonPath argument for the field '"
                          + path
                          + "' could not be found in the input '"
                          + input
                          + "'");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"States.Array($.a[) | $.a[)", "States.Array($..) | $.."})
  void rejectsAnInvalidPathArgumentWhenParsed(String call, String path) {
    assertThatThrownBy(() -> IntrinsicFunction.parse(call))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining("Invalid path '" + path + "'")
        .hasMessageContaining(call);
  }
}
