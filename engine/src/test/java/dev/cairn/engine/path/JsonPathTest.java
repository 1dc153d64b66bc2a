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
import org.junit.jupiter.params.provider.ValueSource;

class JsonPathTest {
  private static final String STORE =
      """
      {"store": {
         "book": [
           {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
           {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
           {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick",
            "isbn": "0-553-21311-3", "price": 8.99},
           {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord",
            "isbn": "0-395-19395-8", "price": 22.99}
         ],
         "bicycle": {"color": "red", "price": 19.95}
       },
       "expensive": 10,
       "my key": {"it's": 1, "a.b": 2},
       "n": null,
       "exact": 1.0,
       "nums": [0, 1, 2, 3, 4, 5]}
      """;

  private static final JsonNode INPUT = Json.parse(STORE);
  private static final JsonNode CONTEXT =
      Json.parse("{\"Execution\": {\"Id\": \"arn:x\", \"Input\": {\"a\": 1}}, \"State\": {}}");
  private static final EvaluationContext CTX = new EvaluationContext(INPUT, CONTEXT);

  private static JsonNode read(String path) {
    return JsonPath.parse(path).read(CTX);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "$.expensive => 10",
        "$['expensive'] => 10",
        "$[\"expensive\"] => 10",
        "$.store.bicycle.color => \"red\"",
        "$.store.book[0].author => \"Nigel Rees\"",
        "$.store.book[-1].title => \"The Lord\"",
        "$.store.book[-4].title => \"Sayings\"",
        "$['store']['book'][1]['title'] => \"Sword\"",
        "$['my key']['it\\'s'] => 1",
        "$['my key']['a.b'] => 2",
        "$.n => null",
        "$.exact => 1.0",
        "$.store.bicycle['color','price'] => {\"color\":\"red\",\"price\":19.95}",
        "$.store.bicycle['color','nope'] => {\"color\":\"red\"}",
        "$.nums.length() => 6",
        "$.store.bicycle.length() => 2",
        "$$.Execution.Id => \"arn:x\"",
        "$$.Execution.Input => {\"a\":1}",
      })
  void definitePathsReadTheValue(String path, String expected) {
    assertThat(read(path)).isEqualTo(Json.parse(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "$.nums[*] => [0,1,2,3,4,5]",
        "$.store.bicycle.* => [\"red\",19.95]",
        "$.store.bicycle[*] => [\"red\",19.95]",
        "$.nums[0,2,-1] => [0,2,5]",
        "$.nums[0,9] => [0]",
        "$.nums[1:3] => [1,2]",
        "$.nums[4:] => [4,5]",
        "$.nums[:2] => [0,1]",
        "$.nums[-2:] => [4,5]",
        "$.nums[:-4] => [0,1]",
        "$.nums[::2] => [0,2,4]",
        "$.nums[1:6:2] => [1,3,5]",
        "$.nums[::-1] => [5,4,3,2,1,0]",
        "$.nums[4:1:-2] => [4,2]",
        "$.nums[10:] => []",
        "$.store.book[*].author => [\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\","
            + "\"J. R. R. Tolkien\"]",
        "$..author => [\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\",\"J. R. R. Tolkien\"]",
        "$.store..price => [8.95,12.99,8.99,22.99,19.95]",
        "$..book[2].title => [\"Moby Dick\"]",
        "$..book[-1:].title => [\"The Lord\"]",
        "$..book[0,1].title => [\"Sayings\",\"Sword\"]",
        "$.store.book[?(@.isbn)].title => [\"Moby Dick\",\"The Lord\"]",
        "$.store.book[?(!@.isbn)].title => [\"Sayings\",\"Sword\"]",
        "$.store.book[?(@.price < 10)].title => [\"Sayings\",\"Moby Dick\"]",
        "$.store.book[?(@.price <= 8.99)].title => [\"Sayings\",\"Moby Dick\"]",
        "$.store.book[?(@.price > $.expensive)].title => [\"Sword\",\"The Lord\"]",
        "$.store.book[?(@.price >= 22.99)].title => [\"The Lord\"]",
        "$.store.book[?(@.category == 'reference')].title => [\"Sayings\"]",
        "$.store.book[?(@.category != \"fiction\")].title => [\"Sayings\"]",
        "$.store.book[?(@.category == 'fiction' && @.price < 20)].title => [\"Sword\",\"Moby Dick\"]",
        "$.store.book[?(@.price < 9 || @.price > 20)].title => [\"Sayings\",\"Moby Dick\","
            + "\"The Lord\"]",
        "$.store.book[?((@.price < 9 || @.price > 20) && @.isbn)].title => [\"Moby Dick\","
            + "\"The Lord\"]",
        "$.store.book[?(@.author =~ /.*melville/i)].title => [\"Moby Dick\"]",
        "$.store.book[?(@.author =~ /Melville/)].title => []",
        "$.store.book[?(@.category in ['reference','poetry'])].title => [\"Sayings\"]",
        "$.store.book[?(@.category nin ['fiction'])].title => [\"Sayings\"]",
        "$.store.book[?(@.title size 5)].title => [\"Sword\"]",
        "$.store.book[?(@.author contains 'Waugh')].title => [\"Sword\"]",
        "$.nums[?(@ > 3)] => [4,5]",
        "$.nums[?(@ == '2')] => [2]",
        "$.store.bicycle[?(@.color == 'red')].price => [19.95]",
        "$.missing[*] => []",
        "$.missing[1:5].x => []",
        "$.expensive[*] => []",
        "$[*].nope => []",
      })
  void indefinitePathsReadAnArrayOfMatches(String path, String expected) {
    assertThat(read(path)).isEqualTo(Json.parse(expected));
  }

  @Test
  void filtersCompareNumbersByValueAndIgnoreOtherTypes() {
    JsonNode input =
        Json.parse("{\"a\":[{\"v\":1.0},{\"v\":\"1\"},{\"v\":true},{\"w\":1},{\"v\":2}]}");
    EvaluationContext ctx = new EvaluationContext(input, null);

    assertThat(JsonPath.parse("$.a[?(@.v == 1)]").read(ctx))
        .isEqualTo(Json.parse("[{\"v\":1.0},{\"v\":\"1\"}]"));
    assertThat(JsonPath.parse("$.a[?(@.v < 2)]").read(ctx)).isEqualTo(Json.parse("[{\"v\":1.0}]"));
    assertThat(JsonPath.parse("$.a[?(@.v != 1)]").read(ctx))
        .isEqualTo(Json.parse("[{\"v\":true},{\"w\":1},{\"v\":2}]"));
  }

  @Test
  void deepScanVisitsANodeBeforeItsDescendants() {
    JsonNode input = Json.parse("{\"a\":{\"b\":1,\"c\":{\"b\":2}},\"b\":3}");
    EvaluationContext ctx = new EvaluationContext(input, null);

    assertThat(JsonPath.parse("$..b").read(ctx)).isEqualTo(Json.parse("[3,1,2]"));
    assertThat(JsonPath.parse("$..*").read(ctx))
        .isEqualTo(Json.parse("[{\"b\":1,\"c\":{\"b\":2}},3,1,{\"b\":2},2]"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$.missing",
        "$.store.missing",
        "$.missing.deeper",
        "$.store.book[4]",
        "$.store.book[-5]",
        "$.expensive.x",
        "$.n.x",
        "$.nums[0].x",
        "$.store[0]",
        "$$.Execution.Nope",
        "$.expensive.length()",
        "$.missing.length()",
      })
  void definitePathsThatDesignateNothingReadNull(String path) {
    assertThat(read(path)).isNull();
  }

  @Test
  void readsReturnNumbersWithTheirExactValue() {
    JsonNode value =
        JsonPath.parse("$.a").read(new EvaluationContext(Json.parse("{\"a\":1.10}"), null));

    assertThat(Json.write(value)).isEqualTo("1.10");
  }

  @Test
  void rootPathsAndContextPaths() {
    assertThat(read("$")).isSameAs(INPUT);
    assertThat(read("$$")).isSameAs(CONTEXT);
    assertThat(JsonPath.parse("$$.Execution").isContextPath()).isTrue();
    assertThat(JsonPath.parse("$.Execution").isContextPath()).isFalse();
  }

  @Test
  void backslashTakesTheNextCharacterOfADotNameLiterally() {
    EvaluationContext ctx =
        new EvaluationContext(Json.parse("{\"store.book\": 1, \"foo@bar\": {\"b[\": 2}}"), null);

    assertThat(JsonPath.parse("$.store\\.book").read(ctx)).isEqualTo(Json.parse("1"));
    assertThat(JsonPath.parse("$.foo\\@bar.b\\[").read(ctx)).isEqualTo(Json.parse("2"));
  }

  @Test
  void namesMayHoldAnyNonSeparatorCharacter() {
    EvaluationContext ctx =
        new EvaluationContext(Json.parse("{\"input-value\": 1, \"&Ж中\": 2}"), null);

    assertThat(JsonPath.parse("$.input-value").read(ctx)).isEqualTo(Json.parse("1"));
    assertThat(JsonPath.parse("$.&Ж中").read(ctx)).isEqualTo(Json.parse("2"));
  }

  @Test
  void bracketNamesUnderstandEscapes() {
    EvaluationContext ctx =
        new EvaluationContext(Json.parse("{\"a'b\": 1, \"tab\\t\": 2, \"é\": 3}"), null);

    assertThat(JsonPath.parse("$['a\\'b']").read(ctx)).isEqualTo(Json.parse("1"));
    assertThat(JsonPath.parse("$[\"a'b\"]").read(ctx)).isEqualTo(Json.parse("1"));
    assertThat(JsonPath.parse("$['tab\\t']").read(ctx)).isEqualTo(Json.parse("2"));
    assertThat(JsonPath.parse("$['\\u00e9']").read(ctx)).isEqualTo(Json.parse("3"));
  }

  @ParameterizedTest(name = "{0} definite={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "$ | true",
        "$$ | true",
        "$.a.b | true",
        "$['a'][0][-1] | true",
        "$$.Execution.Input | true",
        "$.a[*] | false",
        "$.a.* | false",
        "$.a[0,1] | false",
        "$['a','b'] | false",
        "$.a[1:2] | false",
        "$..a | false",
        "$.a[?(@.b)] | false",
        "$.a.length() | false",
      })
  void onlyNamesAndSingleIndicesAreDefinite(String path, boolean definite) {
    assertThat(JsonPath.parse(path).isDefinite()).isEqualTo(definite);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a.b",
        "$.",
        "$..",
        "$.a.",
        "$x y",
        "$-x",
        "$.a b",
        "$[",
        "$[0",
        "$['a'",
        "$['a]",
        "$[a]",
        "$[0:1:0]",
        "$[99999999999]",
        "$.a.nope()",
        "$.a.length().b",
        "$[?(@.a == )]",
        "$[?(@.a ~~ 1)]",
        "$[?(@.a =~ /[/)]",
        "$[?(@.a == 1]",
        "$[?(1)]",
        "$[?($$.a)]",
      })
  void malformedPathsAreRejectedAtParseTime(String path) {
    assertThatThrownBy(() -> JsonPath.parse(path))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining(path.isEmpty() ? "'$'" : path);
  }

  @Test
  void aVariablePathNamesItsVariableAndEvaluatesItsStepsFromTheVariablesValue() {
    JsonPath path = JsonPath.parse("$theAnswer.list[1]");

    assertThat(path.variable()).isEqualTo("theAnswer");
    assertThat(path.isContextPath()).isFalse();
    assertThat(path.isDefinite()).isTrue();
    assertThat(path.readFrom(Json.parse("{\"list\":[1,2]}"))).isEqualTo(Json.parse("2"));
    assertThat(JsonPath.parse("$x").readFrom(Json.parse("42"))).isEqualTo(Json.parse("42"));
    assertThat(JsonPath.parse("$.x").variable()).isNull();
    assertThat(JsonPath.parse("$$.x").variable()).isNull();
  }

  @Test
  void aVariablePathCannotBeReadFromTheInput() {
    assertThatThrownBy(() -> JsonPath.parse("$x").read(CTX))
        .isInstanceOf(StatesException.class)
        .hasMessageContaining("'$x'");
  }

  @Test
  void nullIsNotAPath() {
    assertThatThrownBy(() -> JsonPath.parse(null)).isInstanceOf(InvalidPathException.class);
  }

  @Test
  void selectReturnsWhatReadFinds() {
    assertThat(JsonPath.parse("$.n").select(CTX, "value.$")).isEqualTo(Json.NODES.nullNode());
    assertThat(JsonPath.parse("$.missing[*]").select(CTX, "value.$")).isEmpty();
  }

  @Test
  void selectForATemplateValueNamesTheFieldAndShowsTheInput() {
    EvaluationContext ctx = new EvaluationContext(Json.parse("{\"int-literal\": 0}"), CONTEXT);

    assertThatThrownBy(() -> JsonPath.parse("$.no_such_jsonpath").select(ctx, "value.$"))
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

  @Test
  void selectOnTheContextObjectStillShowsTheStateInput() {
    EvaluationContext ctx = new EvaluationContext(Json.parse("{\"int-literal\": 0}"), CONTEXT);

    assertThatThrownBy(
            () -> JsonPath.parse("$$.Execution.Input.no_such_jsonpath").select(ctx, "value.$"))
        .isInstanceOf(StatesException.class)
        .extracting(e -> ((StatesException) e).cause())
        .isEqualTo(
            "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$'"
                + " could not be found in the input '{\"int-literal\":0}'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "$.NoSuchInputPath | No results for path: $['NoSuchInputPath']",
        "$.a.missing | No results for path: $['a']['missing']",
        "$.missing.b | Missing property in path $['missing']",
        "$.a.list[3] | No results for path: $['a']['list'][3]",
        "$.a.list[5].x | No results for path: $['a']['list'][5]['x']",
        "$.a.s[0] | Filter: [0] can only be applied to arrays. Current context is: \"text\"",
        "$.a.z[0] | The path $['a']['z'] is null",
        "$.a.s.x | Expected to find an object with property ['x'] in path $['a']['s'] but found"
            + " 'java.lang.String'. This is not a json object according to the JsonProvider:"
            + " 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
      })
  void selectForInputPathUsesJaywaysMessage(String path, String detail) {
    EvaluationContext ctx =
        new EvaluationContext(
            Json.parse("{\"a\": {\"list\": [1, 2], \"s\": \"text\", \"z\": null}}"), null);

    for (String field : new String[] {"InputPath", "OutputPath"}) {
      assertThatThrownBy(() -> JsonPath.parse(path).select(ctx, field))
          .isInstanceOf(StatesException.class)
          .extracting(e -> ((StatesException) e).cause())
          .isEqualTo("Invalid path '" + path + "' : " + detail);
    }
  }

  @Test
  void selectForOtherFieldsNamesThem() {
    EvaluationContext ctx = new EvaluationContext(Json.parse("{\"Error\":\"e\"}"), null);

    assertThatThrownBy(() -> JsonPath.parse("$.NoSuchCausePath").select(ctx, "CausePath"))
        .extracting(e -> ((StatesException) e).cause())
        .isEqualTo(
            "The JSONPath '$.NoSuchCausePath' specified for the field 'CausePath' could not be"
                + " found in the input '{\"Error\":\"e\"}'");
  }

  @Test
  void evaluationSharesTheDocumentInsteadOfCopyingIt() {
    JsonNode book = read("$.store.book[0]");

    assertThat(book).isSameAs(INPUT.get("store").get("book").get(0));
  }

  @Test
  void textAndToStringAreTheWrittenPath() {
    JsonPath path = JsonPath.parse("$.a[0]");

    assertThat(path.text()).isEqualTo("$.a[0]");
    assertThat(path).hasToString("$.a[0]");
  }
}
