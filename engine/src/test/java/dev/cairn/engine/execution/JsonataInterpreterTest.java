package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.definition.StateMachine;
import dev.cairn.engine.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JSONata states and variables on the interpreter itself: evaluation order, scopes, the error of an
 * expression, and replay, which must compute the same variable values as the first run did.
 */
class JsonataInterpreterTest {
  private static final Clock FIRST_RUN =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static Interpreter interpreter(String definition, String input, Clock clock) {
    StateMachine machine = DefinitionParser.parse(definition);
    return new Interpreter("exec-1", "run", "machine", machine, Json.parse(input), clock);
  }

  private static JsonNode run(String definition, String input) {
    Interpreter interpreter = interpreter(definition, input, FIRST_RUN);
    interpreter.handle(new Trigger.Start());
    ExecutionDescription done = interpreter.describe();
    assertThat(done.status())
        .as("%s: %s", done.error(), done.cause())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    return done.output();
  }

  @Test
  void everyAssignmentOfAStateSeesTheValuesFromItsEntry() {
    JsonNode output =
        run(
            """
            {"QueryLanguage": "JSONata", "StartAt": "First", "States": {
              "First": {"Type": "Pass", "Assign": {"x": 5}, "Next": "Second"},
              "Second": {"Type": "Pass", "Assign": {"x": 42, "old": "{% $x %}"},
                         "Output": "{% $x %}", "Next": "Third"},
              "Third": {"Type": "Pass", "Output": {"x": "{% $x %}", "old": "{% $old %}",
                                                    "before": "{% $states.input %}"}, "End": true}}}
            """,
            "{}");

    assertThat(output).isEqualTo(Json.parse("{\"x\": 42, \"old\": 5, \"before\": 5}"));
  }

  @Test
  void mapIterationsSeeOuterVariablesAndReturnThroughTheirOutputs() {
    JsonNode output =
        run(
            """
            {"QueryLanguage": "JSONata", "StartAt": "Get Greeting", "States": {
              "Get Greeting": {"Type": "Pass", "Assign": {"outer": "hello"}, "Next": "Greet"},
              "Greet": {"Type": "Map", "Items": "{% [1, 2] %}",
                "ItemProcessor": {"StartAt": "Begin", "States": {
                  "Begin": {"Type": "Pass", "Assign": {"hi": "{% $outer & ' ' & $states.input %}"},
                            "Next": "End"},
                  "End": {"Type": "Succeed", "Output": "{% $hi %}"}}},
                "Assign": {"outer": "{% $count($states.result) %}", "greetings": "{% $states.result %}"},
                "Next": "Goodbye"},
              "Goodbye": {"Type": "Pass",
                          "Output": {"outer": "{% $outer %}", "greetings": "{% $greetings %}",
                                     "hi": "{% $exists($hi) %}"},
                          "End": true}}}
            """,
            "{}");

    assertThat(output)
        .isEqualTo(
            Json.parse("{\"outer\": 2, \"greetings\": [\"hello 1\", \"hello 2\"], \"hi\": false}"));
  }

  @Test
  void jsonPathStatesAssignFromTheirResultAndReadVariablesInPaths() {
    JsonNode output =
        run(
            """
            {"StartAt": "Assign", "States": {
              "Assign": {"Type": "Pass", "Result": {"n": 3, "list": [1, 2]},
                         "Assign": {"n.$": "$.n", "size.$": "States.ArrayLength($.list)", "fixed": "f"},
                         "Next": "Use"},
              "Use": {"Type": "Pass", "Parameters": {"n.$": "$n", "size.$": "$size", "fixed.$": "$fixed"},
                      "End": true}}}
            """,
            "{}");

    assertThat(output).isEqualTo(Json.parse("{\"n\": 3, \"size\": 2, \"fixed\": \"f\"}"));
  }

  @Test
  void anExpressionThatFailsIsAQueryEvaluationErrorThatCanBeCaught() {
    Interpreter interpreter =
        interpreter(
            """
            {"QueryLanguage": "JSONata", "StartAt": "Map", "States": {
              "Map": {"Type": "Map", "Items": "{% $states.input.notThere %}",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"],
                           "Output": "{% $states.errorOutput %}", "Next": "Caught"}],
                "End": true},
              "Caught": {"Type": "Succeed"}}}
            """,
            "{}", FIRST_RUN);
    interpreter.handle(new Trigger.Start());

    JsonNode output = interpreter.describe().output();
    assertThat(output.path("Error").asText()).isEqualTo("States.QueryEvaluationError");
    assertThat(output.path("Cause").asText())
        .startsWith("An error occurred while executing the state 'Map'")
        .contains("'$states.input.notThere' specified for the field 'Items' returned nothing");
  }

  @Test
  void aReplayComputesTheSameRandomValuesUuidsAndTimesAsTheFirstRun() {
    String definition =
        """
        {"QueryLanguage": "JSONata", "StartAt": "Draw", "States": {
          "Draw": {"Type": "Pass",
                   "Assign": {"r": "{% $random() %}", "u": "{% $uuid() %}", "t": "{% $now() %}"},
                   "Next": "Work"},
          "Work": {"Type": "Task", "Resource": "arn:aws:states:::cairn:work", "Next": "Show"},
          "Show": {"Type": "Pass", "Output": {"r": "{% $r %}", "u": "{% $u %}", "t": "{% $t %}"},
                   "End": true}}}
        """;
    Interpreter first = interpreter(definition, "{}", FIRST_RUN);
    Interpreter.Outcome started = first.handle(new Trigger.Start());
    Command.Dispatch dispatch =
        started.commands().stream()
            .filter(Command.Dispatch.class::isInstance)
            .map(Command.Dispatch.class::cast)
            .findFirst()
            .orElseThrow();
    // The start trigger's events are the whole history before the task's result.
    List<HistoryEvent> beforeTheResult = List.copyOf(started.events());
    Trigger.TaskSucceeded result =
        new Trigger.TaskSucceeded(dispatch.frame(), dispatch.key(), Json.parse("{}"));
    first.handle(result);
    JsonNode firstOutput = first.describe().output();

    // A restarted engine replays the history an hour later and then learns the task's result.
    Clock later = Clock.offset(FIRST_RUN, java.time.Duration.ofHours(1));
    Interpreter replayed = interpreter(definition, "{}", later);
    replayed.replay(beforeTheResult);
    replayed.handle(result);

    assertThat(firstOutput.path("u").asText()).hasSize(36);
    assertThat(firstOutput.path("t").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
    assertThat(replayed.describe().output()).isEqualTo(firstOutput);
  }

  @Test
  void parallelBranchesCannotSeeEachOthersVariables() {
    JsonNode output =
        run(
            """
            {"QueryLanguage": "JSONata", "StartAt": "Both", "States": {
              "Both": {"Type": "Parallel", "Branches": [
                  {"StartAt": "A", "States": {
                    "A": {"Type": "Pass", "Assign": {"a": 1}, "Next": "A2"},
                    "A2": {"Type": "Pass", "Output": "{% $exists($b) %}", "End": true}}},
                  {"StartAt": "B", "States": {
                    "B": {"Type": "Pass", "Assign": {"b": 2}, "Next": "B2"},
                    "B2": {"Type": "Pass", "Output": "{% $exists($a) %}", "End": true}}}],
                "End": true}}}
            """,
            "{}");

    assertThat(output).isEqualTo(Json.parse("[false, false]"));
  }

  @Test
  void pathFieldsJudgeTheValuesTheyReadLikeStepFunctions() {
    String wait =
        """
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}
        """;
    Interpreter negative = interpreter(wait, "{\"s\": -1}", FIRST_RUN);
    negative.handle(new Trigger.Start());
    assertThat(negative.describe().cause())
        .endsWith("The SecondsPath parameter references a negative value: $.s == -1");
    Interpreter missing = interpreter(wait, "{}", FIRST_RUN);
    missing.handle(new Trigger.Start());
    assertThat(missing.describe().cause())
        .endsWith("The SecondsPath parameter does not reference an input value: $.s");

    String map =
        """
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
          "MaxConcurrencyPath": "$.max", "ToleratedFailureCountPath": "$.tolerated",
          "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
          "End": true}}}
        """;
    JsonNode output = run(map, "{\"items\": [1, 2], \"max\": \"1\", \"tolerated\": 0}");
    assertThat(output).isEqualTo(Json.parse("[1, 2]"));
    Interpreter negativeCount =
        interpreter(map, "{\"items\": [1], \"max\": 1, \"tolerated\": -1}", FIRST_RUN);
    negativeCount.handle(new Trigger.Start());
    assertThat(negativeCount.describe().cause())
        .endsWith("ToleratedFailureCount cannot be negative.");
  }
}
