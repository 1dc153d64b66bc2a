package dev.cairn.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferencePathTest {

  @ParameterizedTest(name = "{1} into {0} -> {3}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "{\"a\":1} => $ => 6 => 6",
        "{\"a\":1} => $.b => 6 => {\"a\":1,\"b\":6}",
        "{\"a\":1,\"b\":2} => $.a => 6 => {\"a\":6,\"b\":2}",
        "{\"master\":{\"detail\":[1,2]}} => $.master.detail => 6 => {\"master\":{\"detail\":6}}",
        "{\"master\":{\"detail\":[1,2]}} => $.master.result.sum => 6"
            + " => {\"master\":{\"detail\":[1,2],\"result\":{\"sum\":6}}}",
        "{\"a\":1} => $.b.greeting => \"Hi!\" => {\"a\":1,\"b\":{\"greeting\":\"Hi!\"}}",
        "{\"a\":[1,2,3]} => $.a[1] => {\"x\":1} => {\"a\":[1,{\"x\":1},3]}",
        "{\"a\":[1,2,3]} => $.a[-1] => 0 => {\"a\":[1,2,0]}",
        "{\"a\":[{\"b\":1}]} => $.a[0].c => 2 => {\"a\":[{\"b\":1,\"c\":2}]}",
        "[{\"b\":1}] => $[0]['my key'] => 2 => [{\"b\":1,\"my key\":2}]",
        "{\"a\":null} => $.a => {} => {\"a\":{}}",
        "\"foo\" => $ => {\"x\":1.0} => {\"x\":1.0}",
      })
  void placesTheResult(String input, String path, String result, String expected) {
    JsonNode output = ReferencePath.parse(path).apply(Json.parse(input), Json.parse(result));

    assertThat(output).isEqualTo(Json.parse(expected));
  }

  @Test
  void neverModifiesTheInput() {
    JsonNode input = Json.parse("{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":{\"e\":3}}");
    JsonNode before = input.deepCopy();

    JsonNode output = ReferencePath.parse("$.a.b[1].c").apply(input, Json.parse("9"));
    ReferencePath.parse("$.a.new").apply(input, Json.parse("9"));
    ReferencePath.parse("$.d").apply(input, Json.parse("9"));

    assertThat(input).isEqualTo(before);
    assertThat(output).isEqualTo(Json.parse("{\"a\":{\"b\":[1,{\"c\":9}]},\"d\":{\"e\":3}}"));
  }

  @Test
  void keepsTheOrderOfExistingMembers() {
    JsonNode output =
        ReferencePath.parse("$.a").apply(Json.parse("{\"a\":1,\"b\":2}"), Json.parse("3"));

    assertThat(Json.write(output)).isEqualTo("{\"a\":3,\"b\":2}");
  }

  @ParameterizedTest(name = "{1} into {0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "\"foo\" => $.x",
        "{\"a\":\"str\"} => $.a.b",
        "{\"a\":1} => $.a.b",
        "{\"a\":[1]} => $.a.b",
        "{\"a\":null} => $.a.b",
        "{\"a\":[1]} => $.a[1]",
        "{\"a\":[1]} => $.a[-2]",
        "{\"a\":{}} => $.a[0]",
        "{} => $.a[0]",
        "[1] => $.x",
      })
  void failsWhenThePathDoesNotFitTheInput(String input, String path) {
    assertThatThrownBy(() -> ReferencePath.parse(path).apply(Json.parse(input), Json.parse("6")))
        .isInstanceOfSatisfying(
            StatesException.class,
            e -> {
              assertThat(e.error()).isEqualTo(StatesErrors.RESULT_PATH_MATCH_FAILURE);
              assertThat(e.cause())
                  .isEqualTo(
                      "Unable to apply ReferencePath "
                          + path
                          + " to input "
                          + Json.write(Json.parse(input)));
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "$$.Execution => the context object",
        "$result.a => a variable ('$result')",
        "$.a[*] => a wildcard ([*])",
        "$.a.* => a wildcard ([*])",
        "$..a => a deep scan",
        "$.a[?(@.b)] => a filter",
        "$.a[1:2] => a slice ([1:2])",
        "$.a[0,1] => a union ([0,1])",
        "$['a','b'] => a union (['a','b'])",
        "$.a.length() => a function (length())",
        "$.a b => bracket notation",
        "a.b => must start with '$'",
      })
  void rejectsPathsThatAreNotReferences(String path, String problem) {
    assertThatThrownBy(() -> ReferencePath.parse(path))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining(path)
        .hasMessageContaining(problem);
  }

  @Test
  void acceptsTheSpecificationsExamples() {
    for (String path :
        new String[] {
          "$.store.book",
          "$.store\\.book",
          "$.\\stor\\e.boo\\k",
          "$.foo.\\.bar",
          "$.foo\\@bar.baz\\[\\[.\\?pretty",
          "$.&Ж中.\uD800\uDF46",
          "$.ledgers.branch[0].pending.count",
          "$.ledgers[0][22][315].foo",
          "$['store']['book']",
          "$['store'][0]['book']",
        }) {
      assertThat(ReferencePath.parse(path).text()).isEqualTo(path);
    }
  }

  @Test
  void escapedDotsAreNamesNotSteps() {
    JsonNode output =
        ReferencePath.parse("$.store\\.book").apply(Json.parse("{}"), Json.parse("1"));

    assertThat(output).isEqualTo(Json.parse("{\"store.book\":1}"));
  }
}
