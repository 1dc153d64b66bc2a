package dev.cairn.engine.teststate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.InvalidDefinitionException;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.engine.teststate.TestStateRequest.Mock;
import dev.cairn.engine.teststate.TestStateRequest.StateConfiguration;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** TestState on single states: statuses, data flow inspection, Retry, Catch and Map tolerance. */
class TestStateTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

  private final TestState testState = new TestState(CLOCK);

  private static JsonNode json(String text) {
    return Json.parse(text);
  }

  private TestStateResult test(String definition, String input, Mock mock, InspectionLevel level) {
    return testState.test(
        TestStateRequest.of(json(definition), json(input))
            .withMock(mock)
            .withInspectionLevel(level));
  }

  @Test
  void aChoiceReturnsTheNextStateOfTheFirstMatchingRule() {
    TestStateResult result =
        test(
            """
            {"Type": "Choice", "Choices": [
              {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
             "Default": "Small"}
            """,
            "{\"n\": 11}",
            null,
            InspectionLevel.DEBUG);

    assertThat(result.status()).isEqualTo(TestStatus.SUCCEEDED);
    assertThat(result.nextState()).isEqualTo("Big");
    assertThat(result.output()).isEqualTo(json("{\"n\": 11}"));
    assertThat(result.inspectionData())
        .isEqualTo(json("{\"input\": {\"n\": 11}, \"afterInputPath\": {\"n\": 11}}"));
  }

  @Test
  void aWaitStateDoesNotWaitAndNamesItsNextState() {
    TestStateResult result =
        test(
            "{\"Type\": \"Wait\", \"Seconds\": 86400, \"OutputPath\": \"$.a\", \"Next\": \"After\"}",
            "{\"a\": [1]}",
            null,
            InspectionLevel.INFO);

    assertThat(result.toJson())
        .isEqualTo(json("{\"status\": \"SUCCEEDED\", \"output\": [1], \"nextState\": \"After\"}"));
  }

  @Test
  void infoLevelReportsNoInspectionData() {
    TestStateResult result =
        test("{\"Type\": \"Pass\", \"End\": true}", "{\"a\": 1}", null, InspectionLevel.INFO);

    assertThat(result.inspectionData()).isEmpty();
    assertThat(result.toJson().has("inspectionData")).isFalse();
  }

  @Test
  void aMockedTaskResultGoesThroughResultSelectorResultPathAndOutputPath() {
    TestStateResult result =
        test(
            """
            {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
             "InputPath": "$.in", "Parameters": {"Body.$": "$.text"},
             "ResultSelector": {"id.$": "$.MessageId"}, "ResultPath": "$.sent",
             "OutputPath": "$.sent", "End": true}
            """,
            "{\"in\": {\"text\": \"hi\"}}",
            Mock.result(json("{\"MessageId\": \"m-1\"}")),
            InspectionLevel.TRACE);

    assertThat(result.status()).isEqualTo(TestStatus.SUCCEEDED);
    assertThat(result.nextState()).isNull();
    assertThat(result.output()).isEqualTo(json("{\"id\": \"m-1\"}"));
    assertThat(result.inspectionData())
        .isEqualTo(
            json(
                """
                {"input": {"in": {"text": "hi"}}, "afterInputPath": {"text": "hi"},
                 "afterParameters": {"Body": "hi"}, "result": {"MessageId": "m-1"},
                 "afterResultSelector": {"id": "m-1"},
                 "afterResultPath": {"in": {"text": "hi"}, "sent": {"id": "m-1"}}}
                """));
  }

  @Test
  void retriesLeftMakeTheErrorRetriableWithTheBackoffOfTheNextAttempt() {
    String task =
        """
        {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
         "Retry": [{"ErrorEquals": ["Other"]},
                   {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2,
                    "BackoffRate": 3, "MaxAttempts": 3}],
         "End": true}
        """;
    TestStateRequest request =
        TestStateRequest.of(json(task), json("{}"))
            .withMock(Mock.error("Boom", "it broke"))
            .withInspectionLevel(InspectionLevel.DEBUG);

    TestStateResult second =
        testState.test(request.withStateConfiguration(new StateConfiguration(2, 0)));
    TestStateResult exhausted =
        testState.test(request.withStateConfiguration(new StateConfiguration(3, 0)));

    assertThat(second.status()).isEqualTo(TestStatus.RETRIABLE);
    assertThat(second.error()).isEqualTo("Boom");
    assertThat(second.cause()).isEqualTo("it broke");
    // 2 s × 3^2: the interval before the third attempt.
    assertThat(Json.write(second.inspectionData().get("errorDetails")))
        .isEqualTo("{\"retryIndex\":1,\"retryBackoffIntervalSeconds\":18}");
    assertThat(exhausted.status()).isEqualTo(TestStatus.FAILED);
    assertThat(exhausted.inspectionData().get("errorDetails"))
        .isEqualTo(json("{\"retryIndex\": 1}"));
  }

  @Test
  void aMatchingCatcherPlacesTheErrorWithItsResultPathAndGoesToItsNext() {
    TestStateResult result =
        test(
            """
            {"Type": "Parallel", "Branches": [
               {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}],
             "Catch": [{"ErrorEquals": ["Nope"], "Next": "Never"},
                       {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handle"}],
             "End": true}
            """,
            "{\"keep\": true}",
            Mock.error("Bad", null),
            InspectionLevel.DEBUG);

    assertThat(result.status()).isEqualTo(TestStatus.CAUGHT_ERROR);
    assertThat(result.nextState()).isEqualTo("Handle");
    assertThat(result.output())
        .isEqualTo(json("{\"keep\": true, \"err\": {\"Error\": \"Bad\", \"Cause\": \"\"}}"));
    assertThat(result.inspectionData().get("errorDetails")).isEqualTo(json("{\"catchIndex\": 1}"));
  }

  @Test
  void aRuntimeErrorIsNeitherRetriedNorCaught() {
    TestStateResult result =
        test(
            """
            {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"x.$": "$.missing"},
             "Retry": [{"ErrorEquals": ["States.ALL"]}],
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "End": true}
            """,
            "{}",
            Mock.result(json("1")),
            InspectionLevel.INFO);

    assertThat(result.status()).isEqualTo(TestStatus.FAILED);
    assertThat(result.error()).isEqualTo("States.Runtime");
    assertThat(result.cause()).contains("$.missing");
  }

  @Test
  void mapFailuresBeyondTheToleranceExceedTheThreshold() {
    String map =
        """
        {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1,
         "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
         "End": true}
        """;
    TestStateRequest request =
        TestStateRequest.of(json(map), json("{\"items\": [1, 2, 3]}"))
            .withMock(Mock.result(json("[1, 2, 3]")))
            .withInspectionLevel(InspectionLevel.DEBUG);

    TestStateResult tolerated =
        testState.test(request.withStateConfiguration(new StateConfiguration(0, 1)));
    TestStateResult exceeded =
        testState.test(request.withStateConfiguration(new StateConfiguration(0, 2)));

    assertThat(tolerated.status()).isEqualTo(TestStatus.SUCCEEDED);
    assertThat(tolerated.output()).isEqualTo(json("[1, 2, 3]"));
    assertThat(tolerated.inspectionData().get("afterItemsPath")).isEqualTo(json("[1, 2, 3]"));
    assertThat(tolerated.inspectionData().get("toleratedFailureCount").intValue()).isEqualTo(1);
    assertThat(exceeded.status()).isEqualTo(TestStatus.FAILED);
    assertThat(exceeded.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
  }

  @Test
  void aFailStateFailsWithItsErrorAndCause() {
    TestStateResult result =
        test(
            "{\"Type\": \"Fail\", \"ErrorPath\": \"$.e\", \"Cause\": \"why\"}",
            "{\"e\": \"E1\"}",
            null,
            InspectionLevel.INFO);

    assertThat(result.toJson())
        .isEqualTo(json("{\"status\": \"FAILED\", \"error\": \"E1\", \"cause\": \"why\"}"));
  }

  @Test
  void theGeneratedContextNamesTheStateUnderTest() {
    TestStateResult result =
        testState.test(
            new TestStateRequest(
                json(
                    """
                    {"StartAt": "First", "States": {
                      "First": {"Type": "Pass", "Next": "Second"},
                      "Second": {"Type": "Pass", "Parameters": {"name.$": "$$.State.Name",
                                 "input.$": "$$.Execution.Input"}, "End": true}}}
                    """),
                "Second",
                json("{\"v\": 1}"),
                InspectionLevel.INFO,
                null,
                null,
                null));

    assertThat(result.output()).isEqualTo(json("{\"name\": \"Second\", \"input\": {\"v\": 1}}"));
  }

  @Test
  void aTaskWithoutMockCallsItsRegisteredHandlerAndMapsItsStatesError() {
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                "arn:aws:states:::ok",
                request -> CompletableFuture.completedFuture(request.parameters()))
            .register(
                "arn:aws:states:::broken",
                request -> CompletableFuture.failedFuture(new StatesException("Custom", "c")));
    TestState withHandlers = new TestState(CLOCK, handlers);

    TestStateResult ok =
        withHandlers.test(
            TestStateRequest.of(
                json("{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::ok\", \"End\": true}"),
                json("{\"a\": 1}")));
    TestStateResult broken =
        withHandlers.test(
            TestStateRequest.of(
                json(
                    "{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::broken\", \"End\": true}"),
                json("{}")));

    assertThat(ok.output()).isEqualTo(json("{\"a\": 1}"));
    assertThat(broken.status()).isEqualTo(TestStatus.FAILED);
    assertThat(broken.error()).isEqualTo("Custom");
  }

  @Test
  void requestsThatCannotBeTestedAreRefused() {
    JsonNode task =
        json("{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::x\", \"End\": true}");
    JsonNode parallel =
        json(
            """
            {"Type": "Parallel", "End": true, "Branches": [
              {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}]}
            """);
    JsonNode jsonPathFieldInJsonata =
        json(
            "{\"Type\": \"Pass\", \"QueryLanguage\": \"JSONata\", \"InputPath\": \"$.a\","
                + " \"End\": true}");

    assertThatThrownBy(() -> testState.test(TestStateRequest.of(task, json("{}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a mock");
    assertThatThrownBy(() -> testState.test(TestStateRequest.of(parallel, json("{}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Parallel");
    assertThatThrownBy(
            () -> testState.test(TestStateRequest.of(jsonPathFieldInJsonata, json("{}"))))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("InputPath");
  }

  @Test
  void fromJsonReadsTheApiShapeWithJsonTextFields() {
    TestStateRequest request =
        TestStateRequest.fromJson(
            json(
                """
                {"definition": "{\\"Type\\": \\"Pass\\", \\"End\\": true}",
                 "input": {"a": 1}, "inspectionLevel": "TRACE",
                 "mock": {"errorOutput": {"error": "E", "cause": "C"}},
                 "stateConfiguration": {"retrierRetryCount": 2}}
                """));

    assertThat(request.definition()).isEqualTo(json("{\"Type\": \"Pass\", \"End\": true}"));
    assertThat(request.inspectionLevel()).isEqualTo(InspectionLevel.TRACE);
    assertThat(request.mock()).isEqualTo(Mock.error("E", "C"));
    assertThat(request.stateConfiguration().retrierRetryCount()).isEqualTo(2);
    assertThat(
            TestStateRequest.fromJson(
                    json(
                        "{\"definition\": {\"Type\": \"Pass\"}, \"variables\": \"{\\\"x\\\": 1}\"}"))
                .variables())
        .containsEntry("x", json("1"));
    assertThatThrownBy(
            () ->
                TestStateRequest.fromJson(
                    json("{\"definition\": {\"Type\": \"Pass\"}, \"variables\": [1]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("variables");
  }

  @Test
  void aJsonataTaskShowsItsArgumentsAndResultAndSeesTheRequestsVariables() {
    JsonNode task =
        json(
            """
            {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
             "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.n + $offset %}"},
             "Output": {"sum": "{% $states.result.total %}", "was": "{% $offset %}"},
             "Assign": {"offset": "{% $offset * 10 %}"},
             "End": true}
            """);
    TestStateRequest request =
        new TestStateRequest(
            task,
            null,
            json("{\"n\": 2}"),
            InspectionLevel.DEBUG,
            Mock.result(json("{\"total\": 42}")),
            null,
            null,
            java.util.Map.of("offset", json("5")));

    TestStateResult result = testState.test(request);

    assertThat(result.status()).isEqualTo(TestStatus.SUCCEEDED);
    assertThat(result.output()).isEqualTo(json("{\"sum\": 42, \"was\": 5}"));
    assertThat(result.inspectionData().get("afterArguments"))
        .isEqualTo(json("{\"FunctionName\": \"f\", \"Payload\": 7}"));
    assertThat(result.inspectionData().get("result")).isEqualTo(json("{\"total\": 42}"));
    assertThat(result.inspectionData().get("variables")).isEqualTo(json("{\"offset\": 50}"));
  }

  @Test
  void aJsonataCatcherOutputsFromTheErrorOutput() {
    JsonNode task =
        json(
            """
            {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle",
                        "Output": {"error": "{% $states.errorOutput.Error %}",
                                   "input": "{% $states.input %}"}}],
             "End": true}
            """);

    TestStateResult result =
        testState.test(
            TestStateRequest.of(task, json("{\"a\": 1}")).withMock(Mock.error("Boom", "why")));

    assertThat(result.status()).isEqualTo(TestStatus.CAUGHT_ERROR);
    assertThat(result.nextState()).isEqualTo("Handle");
    assertThat(result.output()).isEqualTo(json("{\"error\": \"Boom\", \"input\": {\"a\": 1}}"));
  }

  @Test
  void aJsonataExpressionThatReturnsNothingIsAQueryEvaluationError() {
    JsonNode pass =
        json(
            "{\"Type\": \"Pass\", \"QueryLanguage\": \"JSONata\","
                + " \"Output\": \"{% $states.input.missing %}\", \"End\": true}");

    TestStateResult result = testState.test(TestStateRequest.of(pass, json("{}")));

    assertThat(result.status()).isEqualTo(TestStatus.FAILED);
    assertThat(result.error()).isEqualTo("States.QueryEvaluationError");
    assertThat(result.cause()).contains("returned nothing (undefined)");
  }
}
