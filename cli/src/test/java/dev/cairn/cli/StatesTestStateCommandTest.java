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

/** {@code cairn states test-state} as a user runs it: arguments in, one JSON object out. */
class StatesTestStateCommandTest {
  private static final String TASK =
      """
      {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
       "Parameters": {"FunctionName": "f", "Payload.$": "$.payload"},
       "ResultSelector": {"answer.$": "$.value"}, "ResultPath": "$.out",
       "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2, "IntervalSeconds": 3}],
       "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
       "Next": "Done"}
      """;

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

  private Path file(String name, String content) throws Exception {
    Path path = dir.resolve(name);
    Files.writeString(path, content);
    return path;
  }

  @Test
  void aMockedTaskSucceedsWithItsDataFlowInspected() throws Exception {
    Path task = file("task.json", TASK);
    Path input = file("input.json", "{\"payload\": 7}");

    int code =
        CairnCommand.run(
            "states",
            "test-state",
            task.toString(),
            "--input",
            input.toString(),
            "--mock-result",
            "{\"value\": 42}",
            "--inspection-level",
            "DEBUG");

    assertThat(code).isZero();
    assertThat(stdout().strip().lines()).hasSize(1);
    assertThat(Json.parse(stdout()))
        .isEqualTo(
            Json.parse(
                """
                {"status": "SUCCEEDED", "output": {"payload": 7, "out": {"answer": 42}},
                 "nextState": "Done",
                 "inspectionData": {
                   "input": {"payload": 7}, "afterInputPath": {"payload": 7},
                   "afterParameters": {"FunctionName": "f", "Payload": 7},
                   "result": {"value": 42}, "afterResultSelector": {"answer": 42},
                   "afterResultPath": {"payload": 7, "out": {"answer": 42}}}}
                """));
  }

  @Test
  void aMockedErrorWithRetriesLeftIsRetriableAndOnceExhaustedIsCaught() throws Exception {
    Path task = file("task.json", TASK);
    Path input = file("input.json", "{\"payload\": 7}");

    int retriable =
        CairnCommand.run(
            "states",
            "test-state",
            task.toString(),
            "--input",
            input.toString(),
            "--mock-error",
            "Flaky");
    String first = stdout();
    out.reset();
    int caught =
        CairnCommand.run(
            "states",
            "test-state",
            task.toString(),
            "--input",
            input.toString(),
            "--mock-error",
            "Flaky",
            "--mock-cause",
            "again",
            "--retry-count",
            "2");

    assertThat(retriable).isZero();
    assertThat(Json.parse(first))
        .isEqualTo(Json.parse("{\"status\": \"RETRIABLE\", \"error\": \"Flaky\"}"));
    assertThat(caught).isZero();
    assertThat(Json.parse(stdout()))
        .isEqualTo(
            Json.parse(
                """
                {"status": "CAUGHT_ERROR", "error": "Flaky", "cause": "again",
                 "nextState": "Recover",
                 "output": {"payload": 7, "error": {"Error": "Flaky", "Cause": "again"}}}
                """));
  }

  @Test
  void aStateOfAWholeMachineIsPickedByName() throws Exception {
    Path machine =
        file(
            "machine.json",
            """
            {"StartAt": "A", "States": {
              "A": {"Type": "Pass", "Next": "B"},
              "B": {"Type": "Pass", "Result": "from B", "End": true}}}
            """);

    int code = CairnCommand.run("states", "test-state", machine.toString(), "--state", "B");

    assertThat(code).isZero();
    assertThat(Json.parse(stdout()))
        .isEqualTo(Json.parse("{\"status\": \"SUCCEEDED\", \"output\": \"from B\"}"));
  }

  @Test
  void aTaskWithoutMockIsAnInvalidRequest() throws Exception {
    Path task = file("task.json", TASK);

    int code = CairnCommand.run("states", "test-state", task.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(stdout()).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("needs a mock");
  }

  @Test
  void anUnknownStateNameAndConflictingMocksAreInvalidArguments() throws Exception {
    Path machine =
        file("machine.json", "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}");
    Path task = file("task.json", TASK);

    int unknown = CairnCommand.run("states", "test-state", machine.toString(), "--state", "Z");
    String unknownMessage = err.toString(StandardCharsets.UTF_8);
    err.reset();
    int conflicting =
        CairnCommand.run(
            "states", "test-state", task.toString(), "--mock-result", "1", "--mock-error", "E");

    assertThat(unknown).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(unknownMessage).contains("no state named 'Z'");
    assertThat(conflicting).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("exclude each other");
  }

  @Test
  void aJsonataStateReadsTheGivenVariablesAndReportsWhatItAssigns() throws Exception {
    Path pass =
        file(
            "pass.json",
            """
            {"Type": "Pass", "QueryLanguage": "JSONata",
             "Output": {"greeting": "{% $greeting & ' ' & $states.input.name %}"},
             "Assign": {"count": "{% $count + 1 %}"}, "End": true}
            """);

    int code =
        CairnCommand.run(
            "states",
            "test-state",
            pass.toString(),
            "--input",
            file("input.json", "{\"name\": \"Ada\"}").toString(),
            "--variables",
            "{\"greeting\": \"hello\", \"count\": 1}",
            "--inspection-level",
            "DEBUG");

    assertThat(code).isZero();
    assertThat(Json.parse(stdout()))
        .isEqualTo(
            Json.parse(
                """
                {"status": "SUCCEEDED", "output": {"greeting": "hello Ada"},
                 "inspectionData": {"input": {"name": "Ada"},
                   "variables": {"greeting": "hello", "count": 2}}}
                """));
  }

  @Test
  void variablesThatAreNotAnObjectAreAnInvalidArgument() throws Exception {
    Path pass = file("pass.json", "{\"Type\": \"Pass\", \"End\": true}");

    int code = CairnCommand.run("states", "test-state", pass.toString(), "--variables", "[1]");

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--variables must be a JSON object");
  }

  @Test
  void anInvalidDefinitionIsRejectedWithItsProblems() throws Exception {
    Path broken = file("broken.json", "{\"Type\": \"Pass\", \"Next\": 5}");

    int code = CairnCommand.run("states", "test-state", broken.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.json");
  }
}
