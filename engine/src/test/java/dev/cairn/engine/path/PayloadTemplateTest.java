package dev.cairn.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PayloadTemplateTest {
  private static final EvaluationContext CTX =
      new EvaluationContext(
          Json.parse(
              "{\"vals\":[0,10,20,30,40,50],\"flagged\":7,\"x\":1.0,\"users\":"
                  + "[{\"year\":1997,\"status\":0},{\"year\":1998,\"status\":1}]}"),
          Json.parse("{\"Execution\":{\"Input\":{\"in\":1}},\"State\":{\"Name\":\"S\"}}"));

  private static JsonNode evaluate(String template) {
    return PayloadTemplate.compile(Json.parse(template)).evaluate(CTX);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "{\"first\":88,\"second\":99} => {\"first\":88,\"second\":99}",
        "{\"flagged\":true,\"parts\":{\"first.$\":\"$.vals[0]\",\"last3.$\":\"$.vals[3:]\"}}"
            + " => {\"flagged\":true,\"parts\":{\"first\":0,\"last3\":[30,40,50]}}",
        "{\"x.$\":\"$.x\"} => {\"x\":1.0}",
        "{\"all.$\":\"$$.Execution.Input\",\"name.$\":\"$$.State.Name\"}"
            + " => {\"all\":{\"in\":1},\"name\":\"S\"}",
        "{\"FromInput.$\":\"$.users[?(@.status == 0)]\"}"
            + " => {\"FromInput\":[{\"year\":1997,\"status\":0}]}",
        "{\"item.$\":\"$.item.items[1:5]\"} => {\"item\":[]}",
        "{\"list\":[1,{\"v.$\":\"$.flagged\"},[{\"w.$\":\"$.vals[-1]\"}]]}"
            + " => {\"list\":[1,{\"v\":7},[{\"w\":50}]]}",
        "{\"a\":{\"b\":{\"c\":\"$.not.dynamic\"}}} => {\"a\":{\"b\":{\"c\":\"$.not.dynamic\"}}}",
        "{\"n.$\":\"$.nothing[*]\",\"s\":\"str\"} => {\"n\":[],\"s\":\"str\"}",
        "{\".$\":\"$.flagged\"} => {\"\":7}",
        "{\"keys.$\":\"$\"} => {\"keys\":{\"vals\":[0,10,20,30,40,50],\"flagged\":7,\"x\":1.0,"
            + "\"users\":[{\"year\":1997,\"status\":0},{\"year\":1998,\"status\":1}]}}",
        "[{\"a.$\":\"$.flagged\"},2] => [{\"a\":7},2]",
        "\"plain\" => \"plain\"",
      })
  void buildsThePayload(String template, String expected) {
    assertThat(evaluate(template)).isEqualTo(Json.parse(expected));
  }

  @Test
  void keepsTheMemberOrderOfTheTemplate() {
    assertThat(Json.write(evaluate("{\"z\":1,\"y.$\":\"$.flagged\",\"x\":{\"w\":2}}")))
        .isEqualTo("{\"z\":1,\"y\":7,\"x\":{\"w\":2}}");
  }

  @Test
  void constantPartsAreSharedNotRebuilt() {
    PayloadTemplate template =
        PayloadTemplate.compile(Json.parse("{\"c\":{\"deep\":[1,2]},\"d.$\":\"$.flagged\"}"));

    JsonNode first = template.evaluate(CTX);
    JsonNode second = template.evaluate(CTX);

    assertThat(first).isNotSameAs(second);
    assertThat(first.get("c")).isSameAs(second.get("c"));
  }

  @Test
  void aTemplateWithoutDynamicValuesIsReturnedAsIs() {
    PayloadTemplate template = PayloadTemplate.compile(Json.parse("{\"a\":{\"b\":1}}"));

    assertThat(template.evaluate(CTX)).isSameAs(template.evaluate(CTX));
  }

  @Test
  void laterChangesToTheDefinitionTreeDoNotLeakIn() {
    ObjectNode written = (ObjectNode) Json.parse("{\"a\":1,\"b.$\":\"$.flagged\"}");
    PayloadTemplate template = PayloadTemplate.compile(written);

    written.put("a", 2);

    assertThat(template.evaluate(CTX)).isEqualTo(Json.parse("{\"a\":1,\"b\":7}"));
    assertThat(template.template()).isEqualTo(Json.parse("{\"a\":1,\"b.$\":\"$.flagged\"}"));
  }

  @Test
  void aMissingPathFailsWithTheKeyAsTheField() {
    PayloadTemplate template =
        PayloadTemplate.compile(Json.parse("{\"outer\":{\"value.$\":\"$.no_such_jsonpath\"}}"));
    EvaluationContext ctx = new EvaluationContext(Json.parse("{\"int-literal\": 0}"), null);

    assertThatThrownBy(() -> template.evaluate(ctx))
        .isInstanceOfSatisfying(
            StatesException.class,
            e -> {
              assertThat(e.error()).isEqualTo(StatesErrors.RUNTIME);
              assertThat(e.cause())
                  .isEqualTo(
                      "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could"
                          + " not be found in the input '{\"int-literal\":0}'");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "{\"value.$\":1} => value.$",
        "{\"value.$\":null} => value.$",
        "{\"value.$\":{\"a\":\"$\"}} => value.$",
        "{\"a\":{\"b.$\":\"no path\"}} => b.$",
        "{\"a\":[{\"c.$\":\"$.a[\"}]} => c.$",
        "{\"d.$\":\"$$x\"} => d.$",
      })
  void rejectsDynamicValuesThatAreNotPathsOrCalls(String template, String key) {
    assertThatThrownBy(() -> PayloadTemplate.compile(Json.parse(template)))
        .isInstanceOf(InvalidPathException.class)
        .hasMessage(
            "The value for the field '"
                + key
                + "' must be a valid JSONPath or a valid intrinsic function call");
  }

  @Test
  void rejectsAKeyGivenBothStaticallyAndDynamically() {
    assertThatThrownBy(() -> PayloadTemplate.compile(Json.parse("{\"a\":1,\"a.$\":\"$\"}")))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("'a.$'");
  }
}
