package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.engine.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The states commands as a user runs them: arguments in, stdout, stderr and exit code out. */
class StatesCommandsTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path file(String name, String content) throws Exception {
    Path path = dir.resolve(name);
    Files.writeString(path, content);
    return path;
  }

  @Test
  void runWithJsonPrintsExactlyOneObjectAndExitsZeroEvenWhenTheExecutionFails() throws Exception {
    Path definition =
        file(
            "fail.json",
            """
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "because"}}}
            """);

    int code = CairnCommand.run("states", "run", definition.toString(), "--json");

    assertThat(code).isZero();
    assertThat(Json.parse(stdout()))
        .isEqualTo(Json.parse("{\"status\":\"FAILED\",\"error\":\"Nope\",\"cause\":\"because\"}"));
    assertThat(stdout().strip().lines()).hasSize(1);
  }

  @Test
  void runWithoutJsonExitsOneWhenTheExecutionFails() throws Exception {
    Path definition =
        file("fail.json", "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\"}}}");

    assertThat(CairnCommand.run("states", "run", definition.toString()))
        .isEqualTo(ExitCodes.EXECUTION_NOT_SUCCEEDED);
    assertThat(stdout()).startsWith("FAILED");
  }

  @Test
  void runPassesTheInputFileAndScalesWaitsAway() throws Exception {
    Path definition =
        file(
            "wait.json",
            """
            {"StartAt": "W", "States": {
              "W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
              "P": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hi {}', $.name)"},
                    "End": true}}}
            """);
    Path input = file("input.json", "{\"name\": \"Ada\"}");

    int code =
        CairnCommand.run(
            "states",
            "run",
            definition.toString(),
            "--input",
            input.toString(),
            "--wait-scale",
            "0",
            "--json");

    assertThat(code).isZero();
    assertThat(Json.parse(stdout()).get("output"))
        .isEqualTo(Json.parse("{\"greeting\": \"hi Ada\"}"));
  }

  @Test
  void runAnswersTasksFromAStepFunctionsLocalMockConfiguration() throws Exception {
    Path definition =
        file(
            "deploy.json",
            """
            {"StartAt": "Call", "States": {"Call": {"Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "deploy", "Payload.$": "$"},
              "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 3}],
              "ResultSelector": {"version.$": "$.Payload.version"},
              "End": true}}}
            """);
    Path mocks =
        file(
            "mocks.json",
            """
            {"StateMachines": {"deploy": {"TestCases": {"Throttled": {"Call": "ThrottledTwice"}}}},
             "MockedResponses": {"ThrottledTwice": {
               "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
               "2": {"Return": {"StatusCode": 200, "Payload": {"version": "1.2.3"}}}}}}
            """);

    int code =
        CairnCommand.run(
            "states",
            "run",
            definition.toString(),
            "--mock-config",
            mocks.toString(),
            "--test-case",
            "Throttled",
            "--wait-scale",
            "0",
            "--json");

    assertThat(code).isZero();
    assertThat(Json.parse(stdout()))
        .isEqualTo(Json.parse("{\"status\":\"SUCCEEDED\",\"output\":{\"version\":\"1.2.3\"}}"));
  }

  @Test
  void anInvalidDefinitionIsRejectedWithLocationsAndExitCodeTwo() throws Exception {
    Path definition =
        file(
            "bad.json",
            """
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}
            """);

    int code = CairnCommand.run("states", "run", definition.toString(), "--json");

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(stdout()).isEmpty();
    assertThat(stderr())
        .contains("bad.json")
        .contains("/States/A/Next")
        .contains("MISSING_TRANSITION_TARGET")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void validateReportsEveryProblemAsJson() throws Exception {
    Path definition =
        file(
            "bad.json",
            """
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "Nxt": "B", "End": true}}}
            """);

    int code = CairnCommand.run("states", "validate", definition.toString(), "--json");

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    var result = Json.parse(stdout());
    assertThat(result.get("valid").asBoolean()).isFalse();
    assertThat(result.get("problems").get(0).get("location").asText()).isEqualTo("/States/A/Nxt");
    assertThat(result.get("problems").get(0).get("rule").asText()).isEqualTo("FIELD_NOT_ALLOWED");
  }

  @Test
  void theJsonataVariableScopeExampleOfTheSpecificationValidatesAndRuns() throws Exception {
    Path definition =
        file(
            "scope.json",
            """
            {"QueryLanguage": "JSONata", "StartAt": "Get Greeting", "States": {
              "Get Greeting": {"Type": "Pass", "Assign": {"outer": "hello"},
                               "Next": "Greet Everyone"},
              "Greet Everyone": {"Type": "Map",
                "ItemProcessor": {"StartAt": "Begin", "States": {
                  "Begin": {"Type": "Pass", "Assign": {"inner": "world", "hi": "{% $outer %}"},
                            "Next": "End"},
                  "End": {"Type": "Succeed", "Output": "{% $hi %}"}}},
                "Assign": {"outer": 2}, "Next": "Goodbye"},
              "Goodbye": {"Type": "Succeed", "Output": "{% $outer %}"}}}
            """);

    assertThat(CairnCommand.run("states", "validate", definition.toString(), "--json")).isZero();
    assertThat(Json.parse(stdout()).get("valid").asBoolean()).isTrue();
    out.reset();
    Path input = file("input.json", "[1, 2]");
    int code =
        CairnCommand.run(
            "states", "run", definition.toString(), "--input", input.toString(), "--json");

    assertThat(code).isZero();
    assertThat(Json.parse(stdout()))
        .isEqualTo(Json.parse("{\"status\": \"SUCCEEDED\", \"output\": 2}"));
  }

  @Test
  void aMissingFileOrBadInputGivesAOneLineMessage() throws Exception {
    assertThat(CairnCommand.run("states", "run", dir.resolve("nope.json").toString()))
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(stderr()).contains("nope.json: no such file");

    Path definition =
        file("ok.json", "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}");
    Path input = file("input.json", "{not json");
    assertThat(
            CairnCommand.run("states", "run", definition.toString(), "--input", input.toString()))
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(stderr()).contains("the input is not valid JSON").doesNotContain("\tat ");
  }
}
