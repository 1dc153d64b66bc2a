package dev.cairn.engine.choice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.cairn.engine.definition.ValidationProblem;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ChoiceRulesTest {
  private static final String AT = "/States/Check/Choices/0";

  private static ChoiceRule rule(String json) {
    List<ValidationProblem> problems = new ArrayList<>();
    ChoiceRule rule = ChoiceRules.parse(Json.parse(json), AT, problems);
    assertThat(problems).isEmpty();
    assertThat(rule).isNotNull();
    return rule;
  }

  private static boolean matches(String rule, String input) {
    return rule(rule).matches(new EvaluationContext(Json.parse(input), Json.parse("{\"n\": 3}")));
  }

  static Stream<Arguments> evaluations() {
    return Stream.of(
        // Strings compare character by character, no folding.
        arguments("{\"Variable\": \"$.v\", \"StringEquals\": \"a\"}", "{\"v\": \"a\"}", true),
        arguments("{\"Variable\": \"$.v\", \"StringEquals\": \"a\"}", "{\"v\": \"A\"}", false),
        arguments("{\"Variable\": \"$.v\", \"StringLessThan\": \"AB\"}", "{\"v\": \"A\"}", true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringGreaterThan\": \"A \"}", "{\"v\": \"A\"}", false),
        arguments(
            "{\"Variable\": \"$.v\", \"StringLessThanEquals\": \"b\"}", "{\"v\": \"b\"}", true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringGreaterThanEquals\": \"A\"}", "{\"v\": \"AB\"}", true),
        arguments("{\"Variable\": \"$.v\", \"StringEquals\": \"1\"}", "{\"v\": 1}", false),
        // Wildcards.
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"foo*.log\"}",
            "{\"v\": \"foo23.log\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"*.log\"}",
            "{\"v\": \"zebra.log\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"foo*.*\"}",
            "{\"v\": \"foobar.zebra\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"foo*.*\"}", "{\"v\": \"foobar\"}", false),
        arguments("{\"Variable\": \"$.v\", \"StringMatches\": \"*\"}", "{\"v\": \"\"}", true),
        arguments("{\"Variable\": \"$.v\", \"StringMatches\": \"a*a\"}", "{\"v\": \"a\"}", false),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"a*b*c\"}", "{\"v\": \"abbc\"}", true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"a*b*c\"}", "{\"v\": \"acb\"}", false),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"a\\\\*\"}", "{\"v\": \"a*\"}", true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"a\\\\*\"}", "{\"v\": \"ab\"}", false),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"a\\\\\\\\*\"}",
            "{\"v\": \"a\\\\bc\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": \"exact\"}", "{\"v\": \"exact\"}", true),
        arguments("{\"Variable\": \"$.v\", \"StringMatches\": \"*\"}", "{\"v\": 1}", false),
        // Numbers compare by value.
        arguments("{\"Variable\": \"$.v\", \"NumericEquals\": 1.0}", "{\"v\": 1}", true),
        arguments("{\"Variable\": \"$.v\", \"NumericEquals\": 2.22}", "{\"v\": 2.220}", true),
        arguments("{\"Variable\": \"$.v\", \"NumericLessThan\": 1}", "{\"v\": 0.999}", true),
        arguments("{\"Variable\": \"$.v\", \"NumericGreaterThan\": 1}", "{\"v\": 1}", false),
        arguments(
            "{\"Variable\": \"$.v\", \"NumericGreaterThanEquals\": 9007199254740993}",
            "{\"v\": 9007199254740993}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"NumericLessThan\": 9007199254740993}",
            "{\"v\": 9007199254740992.5}",
            true),
        arguments("{\"Variable\": \"$.v\", \"NumericLessThanEquals\": 0}", "{\"v\": -0.0}", true),
        arguments("{\"Variable\": \"$.v\", \"NumericEquals\": 0}", "{\"v\": false}", false),
        arguments("{\"Variable\": \"$.v\", \"NumericEquals\": 0}", "{\"v\": \"0\"}", false),
        // Booleans.
        arguments("{\"Variable\": \"$.v\", \"BooleanEquals\": false}", "{\"v\": false}", true),
        arguments("{\"Variable\": \"$.v\", \"BooleanEquals\": false}", "{\"v\": 0}", false),
        // Timestamps compare as instants, offsets included.
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampEquals\": \"2012-10-09T19:00:55Z\"}",
            "{\"v\": \"2012-10-09T20:00:55+01:00\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampLessThan\": \"2012-10-09T19:00:55.001Z\"}",
            "{\"v\": \"2012-10-09T19:00:55Z\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampGreaterThan\": \"2012-10-09T19:00:55Z\"}",
            "{\"v\": \"2012-10-09T19:00:56Z\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampGreaterThanEquals\": \"2012-10-09T19:00:56Z\"}",
            "{\"v\": \"2012-10-09T19:00:55Z\"}",
            false),
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampLessThanEquals\": \"2012-10-09T19:00:55Z\"}",
            "{\"v\": \"2012-10-09T19:00:55Z\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampEquals\": \"2012-10-09T19:00:55Z\"}",
            "{\"v\": \"2012-10-09T19:00:55\"}",
            false),
        // *Path operands read the input or the context object.
        arguments(
            "{\"Variable\": \"$.a\", \"NumericLessThanPath\": \"$.b\"}",
            "{\"a\": 1, \"b\": 2}",
            true),
        arguments("{\"Variable\": \"$.a\", \"NumericEqualsPath\": \"$$.n\"}", "{\"a\": 3.0}", true),
        arguments("{\"Variable\": \"$$.n\", \"NumericEquals\": 3}", "{}", true),
        arguments(
            "{\"Variable\": \"$.a\", \"StringEqualsPath\": \"$.b\"}",
            "{\"a\": \"\\t\\n\", \"b\": \"\\t\\r\\n\"}",
            false),
        arguments(
            "{\"Variable\": \"$.a\", \"StringEqualsPath\": \"$.b\"}",
            "{\"a\": \"x\", \"b\": 1}",
            false),
        arguments(
            "{\"Variable\": \"$.a\", \"BooleanEqualsPath\": \"$.b\"}",
            "{\"a\": true, \"b\": true}",
            true),
        arguments(
            "{\"Variable\": \"$.a\", \"TimestampGreaterThanPath\": \"$.b\"}",
            "{\"a\": \"2012-10-09T19:00:56Z\", \"b\": \"2012-10-09T19:00:55Z\"}",
            true),
        arguments(
            "{\"Variable\": \"$.a\", \"StringGreaterThanEqualsPath\": \"$.b\"}",
            "{\"a\": \"\", \"b\": \"\"}",
            true),
        // Type tests.
        arguments("{\"Variable\": \"$.v\", \"IsNull\": true}", "{\"v\": null}", true),
        arguments("{\"Variable\": \"$.v\", \"IsNull\": false}", "{\"v\": 0}", true),
        arguments("{\"Variable\": \"$.v\", \"IsPresent\": true}", "{\"v\": null}", true),
        arguments("{\"Variable\": \"$.v\", \"IsPresent\": true}", "{}", false),
        arguments("{\"Variable\": \"$.v\", \"IsPresent\": false}", "{}", true),
        arguments("{\"Variable\": \"$.v\", \"IsNumeric\": true}", "{\"v\": 1.1}", true),
        arguments("{\"Variable\": \"$.v\", \"IsNumeric\": true}", "{\"v\": \"1\"}", false),
        arguments("{\"Variable\": \"$.v\", \"IsString\": true}", "{\"v\": \"\"}", true),
        arguments("{\"Variable\": \"$.v\", \"IsBoolean\": false}", "{\"v\": null}", true),
        arguments(
            "{\"Variable\": \"$.v\", \"IsTimestamp\": true}",
            "{\"v\": \"2016-03-14T01:59:00Z\"}",
            true),
        arguments(
            "{\"Variable\": \"$.v\", \"IsTimestamp\": true}", "{\"v\": \"2023-02-24\"}", false),
        arguments("{\"Variable\": \"$.v\", \"IsTimestamp\": false}", "{\"v\": 1}", true),
        // Boolean expressions.
        arguments(
            "{\"And\": [{\"Variable\": \"$.v\", \"NumericGreaterThanEquals\": 20},"
                + " {\"Variable\": \"$.v\", \"NumericLessThan\": 30}]}",
            "{\"v\": 22}",
            true),
        arguments(
            "{\"And\": [{\"Variable\": \"$.v\", \"NumericGreaterThanEquals\": 20},"
                + " {\"Variable\": \"$.v\", \"NumericLessThan\": 30}]}",
            "{\"v\": 30}",
            false),
        arguments(
            "{\"Or\": [{\"Variable\": \"$.v\", \"IsNull\": true},"
                + " {\"Variable\": \"$.v\", \"StringEquals\": \"x\"}]}",
            "{\"v\": \"x\"}",
            true),
        arguments(
            "{\"Or\": [{\"Variable\": \"$.v\", \"IsNull\": true},"
                + " {\"Variable\": \"$.v\", \"StringEquals\": \"x\"}]}",
            "{\"v\": \"y\"}",
            false),
        arguments(
            "{\"Not\": {\"Variable\": \"$.type\", \"StringEquals\": \"Private\"}, \"Next\": \"P\"}",
            "{\"type\": \"Private\"}",
            false),
        // And stops at the first false, so a later missing path is never read.
        arguments(
            "{\"And\": [{\"Variable\": \"$.v\", \"IsPresent\": true},"
                + " {\"Variable\": \"$.v\", \"NumericEquals\": 1}]}",
            "{}",
            false),
        arguments(
            "{\"Or\": [{\"Variable\": \"$.v\", \"IsPresent\": false},"
                + " {\"Variable\": \"$.v\", \"NumericEquals\": 1}]}",
            "{}",
            true));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("evaluations")
  void matchesLikeStepFunctions(String rule, String input, boolean expected) {
    assertThat(matches(rule, input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"Variable\": \"$.missing\", \"NumericEquals\": 1} | {\"a\": 1} | $.missing",
        "{\"Variable\": \"$.missing\", \"IsNull\": true} | {\"a\": 1} | $.missing",
        "{\"Variable\": \"$.a\", \"NumericEqualsPath\": \"$.b\"} | {\"a\": 1} | $.b",
        "{\"Not\": {\"Variable\": \"$.x.y\", \"StringMatches\": \"*\"}} | {\"x\": 1} | $.x.y",
      })
  void failsWhenAPathDesignatesNothing(String rule, String input, String path) {
    ChoiceRule parsed = rule(rule);
    EvaluationContext context = new EvaluationContext(Json.parse(input), Json.object());

    assertThatThrownBy(() -> parsed.matches(context))
        .isInstanceOfSatisfying(
            StatesException.class,
            e -> {
              assertThat(e.error()).isEqualTo(StatesErrors.RUNTIME);
              assertThat(e.cause())
                  .isEqualTo(
                      "Invalid path '"
                          + path
                          + "': The choice state's condition path references an invalid value.");
            });
  }

  @Test
  void anOpenEscapeInAPatternFailsWhenUsed() {
    ChoiceRule parsed = rule("{\"Variable\": \"$.v\", \"StringMatches\": \"a\\\\b*\"}");
    EvaluationContext context = new EvaluationContext(Json.parse("{\"v\": \"ab\"}"), Json.object());

    assertThatThrownBy(() -> parsed.matches(context))
        .isInstanceOfSatisfying(
            StatesException.class, e -> assertThat(e.error()).isEqualTo(StatesErrors.RUNTIME));
  }

  static Stream<Arguments> invalidRules() {
    return Stream.of(
        arguments("\"x\"", AT, ChoiceRules.INVALID_CHOICE_RULE, "must be a JSON object"),
        arguments("{\"Variable\": \"$.v\"}", AT, ChoiceRules.INVALID_CHOICE_RULE, "found none"),
        arguments(
            "{\"Variable\": \"$.v\", \"StringEquals\": \"a\", \"IsNull\": true}",
            AT,
            ChoiceRules.INVALID_CHOICE_RULE,
            "found 'StringEquals', 'IsNull'"),
        arguments(
            "{\"StringEquals\": \"a\"}",
            AT,
            ChoiceRules.INVALID_CHOICE_RULE,
            "requires a 'Variable'"),
        arguments(
            "{\"Variable\": 1, \"StringEquals\": \"a\"}",
            AT + "/Variable",
            ChoiceRules.INVALID_JSONPATH,
            "must be a path string"),
        arguments(
            "{\"Variable\": \"v\", \"StringEquals\": \"a\"}",
            AT + "/Variable",
            ChoiceRules.INVALID_JSONPATH,
            "'Variable' is not a valid path"),
        arguments(
            "{\"Variable\": \"$.v\", \"StringEquals\": 1}",
            AT + "/StringEquals",
            ChoiceRules.INVALID_OPERAND,
            "'StringEquals' expects a string, but found the number 1"),
        arguments(
            "{\"Variable\": \"$.v\", \"NumericLessThan\": \"1\"}",
            AT + "/NumericLessThan",
            ChoiceRules.INVALID_OPERAND,
            "expects a number, but found the string \"1\""),
        arguments(
            "{\"Variable\": \"$.v\", \"BooleanEquals\": \"true\"}",
            AT + "/BooleanEquals",
            ChoiceRules.INVALID_OPERAND,
            "expects a boolean"),
        arguments(
            "{\"Variable\": \"$.v\", \"TimestampEquals\": \"2012-10-09\"}",
            AT + "/TimestampEquals",
            ChoiceRules.INVALID_OPERAND,
            "expects a timestamp string"),
        arguments(
            "{\"Variable\": \"$.v\", \"IsPresent\": \"yes\"}",
            AT + "/IsPresent",
            ChoiceRules.INVALID_OPERAND,
            "'IsPresent' expects a boolean"),
        arguments(
            "{\"Variable\": \"$.v\", \"StringMatches\": null}",
            AT + "/StringMatches",
            ChoiceRules.INVALID_OPERAND,
            "expects a string pattern, but found null"),
        arguments(
            "{\"Variable\": \"$.v\", \"NumericEqualsPath\": 3}",
            AT + "/NumericEqualsPath",
            ChoiceRules.INVALID_JSONPATH,
            "must be a path string"),
        arguments(
            "{\"Variable\": \"$.v\", \"NumericEqualsPath\": \"$.[\"}",
            AT + "/NumericEqualsPath",
            ChoiceRules.INVALID_JSONPATH,
            "is not a valid path"),
        arguments("{\"And\": []}", AT + "/And", ChoiceRules.INVALID_CHOICE_RULE, "non-empty array"),
        arguments("{\"Or\": {}}", AT + "/Or", ChoiceRules.INVALID_CHOICE_RULE, "non-empty array"),
        arguments(
            "{\"Not\": []}", AT + "/Not", ChoiceRules.INVALID_CHOICE_RULE, "single Choice rule"),
        arguments(
            "{\"And\": [{\"Variable\": \"$.v\", \"IsNull\": true}, {\"Variable\": \"$.v\"}]}",
            AT + "/And/1",
            ChoiceRules.INVALID_CHOICE_RULE,
            "found none"),
        arguments(
            "{\"Not\": {\"Variable\": \"$.v\", \"IsNull\": true, \"Next\": \"X\"}}",
            AT + "/Not/Next",
            ChoiceRules.UNKNOWN_FIELD,
            "only allowed on a top-level Choice rule"),
        arguments(
            "{\"Variable\": \"$.v\", \"IsNull\": true, \"Vairable\": 1}",
            AT + "/Vairable",
            ChoiceRules.UNKNOWN_FIELD,
            "Unknown field 'Vairable'"),
        arguments(
            "{\"Variable\": \"$.v\", \"StringEqual\": \"a\"}",
            AT + "/StringEqual",
            ChoiceRules.UNKNOWN_FIELD,
            "Unknown field 'StringEqual'"),
        arguments(
            "{\"Condition\": \"{% true %}\", \"Next\": \"X\"}",
            AT + "/Condition",
            ChoiceRules.UNKNOWN_FIELD,
            "only allowed when the query language is JSONata"),
        arguments(
            "{\"Variable\": \"$.v\", \"Not\": {\"Variable\": \"$.v\", \"IsNull\": true}}",
            AT + "/Variable",
            ChoiceRules.UNKNOWN_FIELD,
            "'Variable' is not allowed in a rule with 'Not'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRules")
  void reportsWhatIsWrongAndWhere(String json, String location, String code, String message) {
    List<ValidationProblem> problems = new ArrayList<>();

    ChoiceRule rule = ChoiceRules.parse(Json.parse(json), AT, problems);

    assertThat(rule).isNull();
    assertThat(problems)
        .anySatisfy(
            p -> {
              assertThat(p.location()).isEqualTo(location);
              assertThat(p.rule()).isEqualTo(code);
              assertThat(p.message()).contains(message);
            });
  }

  @Test
  void reportsEveryProblemInOnePass() {
    List<ValidationProblem> problems = new ArrayList<>();
    String json =
        """
        {"Or": [
          {"Variable": "$.a", "StringEquals": 1},
          {"Not": {"Variable": "$.b", "NumericEquals": "x"}},
          {"Variable": "$.c", "IsNull": true, "Extra": 0}
        ], "Next": "Done", "Comment": "ok"}
        """;

    ChoiceRules.parse(Json.parse(json), AT, problems);

    assertThat(problems)
        .extracting(ValidationProblem::location)
        .containsExactly(
            AT + "/Or/0/StringEquals", AT + "/Or/1/Not/NumericEquals", AT + "/Or/2/Extra");
  }

  @Test
  void acceptsTheFieldsATopLevelRuleCarriesForItsState() {
    assertThat(
            matches(
                "{\"Variable\": \"$.v\", \"IsNull\": true, \"Next\": \"X\", \"Comment\": \"c\","
                    + " \"Assign\": {\"x\": 1}}",
                "{\"v\": null}"))
        .isTrue();
  }
}
