package dev.cairn.engine.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.InvalidPathException;
import dev.cairn.engine.path.PayloadTemplate;
import dev.cairn.engine.path.ReferencePath;
import dev.cairn.engine.path.ValueExpression;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What the parser builds from valid definitions, and how it reports what the fixtures cannot. */
class DefinitionParserTest {

  private static String fixture(String name) throws IOException {
    try (InputStream in = DefinitionParserTest.class.getResourceAsStream("/asl/valid/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void absentPathsMeanTheWholeValueAndTheResultReplacesTheInput() {
    StateMachine machine =
        DefinitionParser.parse(
            "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":{\"x\":1},"
                + "\"End\":true}}}");

    PassState pass = (PassState) machine.state("A");
    assertThat(pass.next()).isNull();
    assertThat(pass.inputPath()).isSameAs(IoPath.WHOLE);
    assertThat(pass.outputPath()).isSameAs(IoPath.WHOLE);
    assertThat(pass.resultPath()).isSameAs(ResultPathSpec.REPLACE);
    assertThat(pass.result()).isEqualTo(Json.parse("{\"x\":1}"));
    assertThat(machine.timeoutSeconds()).isNull();
  }

  @Test
  void nullPathsMeanEmptyInputAndDiscardedResult() throws IOException {
    PassState pass = (PassState) DefinitionParser.parse(fixture("io-nulls.json")).state("Discard");

    assertThat(pass.inputPath()).isSameAs(IoPath.EMPTY);
    assertThat(pass.outputPath()).isSameAs(IoPath.EMPTY);
    assertThat(pass.resultPath()).isSameAs(ResultPathSpec.DISCARD);
  }

  @Test
  void buildsEveryStateTypeWithItsSettings() throws IOException {
    StateMachine machine = DefinitionParser.parse(fixture("every-state-type.json"));

    assertThat(machine.startAt()).isEqualTo("Prepare");
    assertThat(machine.timeoutSeconds()).isEqualTo(3600);
    assertThat(machine.comment()).startsWith("One of each");
    assertThat(machine.states().keySet())
        .containsExactly(
            "Prepare", "Build", "Route", "Settle", "Deploy", "Verify", "Done", "Failed");
    assertThat(machine.states().values())
        .extracting(State::type)
        .containsExactly("Pass", "Task", "Choice", "Wait", "Parallel", "Map", "Succeed", "Fail");

    PassState prepare = (PassState) machine.state("Prepare");
    assertThat(prepare.inputPath().toString()).isEqualTo("$.input");
    assertThat(prepare.outputPath()).isSameAs(IoPath.WHOLE);
    assertThat(prepare.parameters().template().get("fixed").intValue()).isEqualTo(1);

    TaskState build = (TaskState) machine.state("Build");
    assertThat(build.resource()).isEqualTo("arn:aws:states:::lambda:invoke");
    assertThat(build.next()).isEqualTo("Route");
    assertThat(build.timeoutSeconds()).isEqualTo(300);
    assertThat(build.heartbeatSeconds()).isEqualTo(60);
    assertThat(build.resultSelector()).isNotNull();
    assertThat(build.retry())
        .extracting(
            Retrier::intervalSeconds,
            Retrier::maxAttempts,
            Retrier::backoffRate,
            Retrier::maxDelaySeconds,
            Retrier::jitter)
        .containsExactly(
            tuple(2, 6, 1.5, 30, Retrier.Jitter.FULL), tuple(1, 0, 2.0, null, Retrier.Jitter.NONE));
    assertThat(build.catchers())
        .extracting(Catcher::errorEquals, Catcher::next)
        .containsExactly(
            tuple(List.of("States.Timeout"), "Failed"), tuple(List.of("States.ALL"), "Failed"));
    assertThat(build.catchers().get(0).resultPath().toString()).isEqualTo("$.error");
    assertThat(build.catchers().get(1).resultPath()).isSameAs(ResultPathSpec.DISCARD);

    ChoiceState route = (ChoiceState) machine.state("Route");
    assertThat(route.choices()).extracting(ChoiceState.Branch::next).containsExactly("Settle");
    assertThat(route.defaultNext()).isEqualTo("Failed");

    assertThat(((WaitState) machine.state("Settle")).seconds()).isZero();

    ParallelState deploy = (ParallelState) machine.state("Deploy");
    assertThat(deploy.branches()).hasSize(2);
    assertThat(deploy.branches().get(0).startAt()).isEqualTo("DeployA");
    assertThat(deploy.branches().get(0).comment()).isEqualTo("first region");
    assertThat(deploy.branches().get(1).state("DeployB")).isInstanceOf(SucceedState.class);

    MapState verify = (MapState) machine.state("Verify");
    assertThat(verify.itemsPath().text()).isEqualTo("$.checks");
    assertThat(verify.mode()).isEqualTo(MapState.Mode.INLINE);
    assertThat(verify.maxConcurrency()).isEqualTo(2);
    assertThat(verify.itemProcessor().startAt()).isEqualTo("Check");
    assertThat(verify.resultPath()).isSameAs(ResultPathSpec.DISCARD);
    assertThat(verify.catchers()).singleElement().extracting(Catcher::next).isEqualTo("Failed");

    FailState failed = (FailState) machine.state("Failed");
    assertThat(failed.error()).isEqualTo("DeployFailed");
    assertThat(failed.errorPath()).isNull();
  }

  @Test
  void readsLegacyMapFieldsAndDistributedMode() throws IOException {
    StateMachine machine = DefinitionParser.parse(fixture("map-legacy-distributed.json"));

    MapState legacy = (MapState) machine.state("Legacy");
    assertThat(legacy.itemProcessor().startAt()).isEqualTo("Item");
    assertThat(legacy.itemSelector().template().has("value.$")).isTrue();
    assertThat(legacy.maxConcurrency()).isNull();
    assertThat(legacy.maxConcurrencyPath().text()).isEqualTo("$.concurrency");
    assertThat(legacy.itemsPath()).isNull();

    MapState distributed = (MapState) machine.state("Distributed");
    assertThat(distributed.mode()).isEqualTo(MapState.Mode.DISTRIBUTED);
    assertThat(distributed.maxConcurrency()).isZero();
    assertThat(distributed.label()).isEqualTo("verify");
    assertThat(distributed.toleratedFailureCount()).isEqualTo(1);
    assertThat(distributed.toleratedFailurePercentagePath().text()).isEqualTo("$.tolerated");
  }

  @Test
  void keepsTheExactToleratedFailurePercentage() {
    StateMachine machine =
        DefinitionParser.parse(
            "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ToleratedFailurePercentage\":"
                + "12.5,\"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Succeed\"}}},"
                + "\"End\":true}}}");

    assertThat(((MapState) machine.state("M")).toleratedFailurePercentage())
        .isEqualByComparingTo(new BigDecimal("12.5"));
  }

  @Test
  void parsesWaitTimestampsToInstants() throws IOException {
    StateMachine machine = DefinitionParser.parse(fixture("wait-variants.json"));

    assertThat(((WaitState) machine.state("Timestamp")).timestamp())
        .isEqualTo(Instant.parse("2016-03-14T01:59:00Z"));
    assertThat(((WaitState) machine.state("Offset")).timestamp())
        .isEqualTo(Instant.parse("2016-03-14T01:59:00.123456789Z"));
    assertThat(((WaitState) machine.state("SecondsPath")).secondsPath().text())
        .isEqualTo("$.delay");
    assertThat(((WaitState) machine.state("Seconds")).seconds()).isEqualTo(10L);
  }

  @Test
  void failStateAcceptsPathsAndIntrinsicFunctions() throws IOException {
    FailState fail = (FailState) DefinitionParser.parse(fixture("fail-paths.json")).state("Fail");

    assertThat(fail.errorPath().text()).isEqualTo("$.error");
    assertThat(fail.causePath().text()).startsWith("States.Format(");
    assertThat(fail.error()).isNull();
  }

  @Test
  void treeAndTextGiveTheSameMachine() throws IOException {
    String text = fixture("every-state-type.json");

    assertThat(DefinitionParser.parse(Json.parse(text)).states().keySet())
        .containsExactlyElementsOf(DefinitionParser.parse(text).states().keySet());
  }

  @Test
  void exceptionMessageListsEveryProblem() {
    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class,
            () -> DefinitionParser.parse(Json.parse("{\"States\":{\"A\":{\"Type\":\"Pass\"}}}")));

    assertThat(thrown.problems())
        .extracting(ValidationProblem::location, ValidationProblem::rule)
        .containsExactly(
            tuple("/StartAt", ValidationRules.MISSING_REQUIRED_FIELD),
            tuple("/States/A", ValidationRules.MISSING_REQUIRED_FIELD),
            tuple("/States", ValidationRules.NO_TERMINAL_STATE));
    assertThat(thrown.getMessage())
        .startsWith("3 problems in the state machine definition:")
        .contains("/StartAt: the state machine requires the field 'StartAt'");
  }

  @Test
  void aTreeThatIsNotAnObjectIsOneProblem() {
    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class, () -> DefinitionParser.parse(Json.parse("\"hi\"")));

    assertThat(thrown.problems())
        .singleElement()
        .extracting(ValidationProblem::location, ValidationProblem::rule)
        .containsExactly("/", ValidationRules.INVALID_TYPE);
  }

  @Test
  void emptyTextIsOneProblem() {
    InvalidDefinitionException thrown =
        catchThrowableOfType(InvalidDefinitionException.class, () -> DefinitionParser.parse("  "));

    assertThat(thrown.problems())
        .singleElement()
        .extracting(ValidationProblem::rule)
        .isEqualTo(ValidationRules.INVALID_JSON);
  }

  /**
   * Reference paths, dynamic values and templates are reported where they are written. Their
   * parsers are implemented on the {@code paths} branch; until it is merged they accept anything,
   * so the test is skipped.
   */
  @Test
  void reportsInvalidReferencePathsValueExpressionsAndTemplates() {
    Assumptions.assumeTrue(
        rejects(() -> ReferencePath.parse("$.a[*]"))
            && rejects(() -> ValueExpression.parse("nope"))
            && rejects(() -> PayloadTemplate.compile(Json.parse("{\"v.$\":\"nope\"}"))),
        "ReferencePath, ValueExpression or PayloadTemplate is still a stub: merge branch paths");
    String definition =
        """
        {"StartAt": "A", "States": {
          "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f",
                "ResultPath": "$.items[*]", "Parameters": {"v.$": "nope"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$$.Execution", "Next": "B"}],
                "Next": "B"},
          "B": {"Type": "Fail", "ErrorPath": "nope", "CausePath": "States.NoSuchFunction()"}}}
        """;

    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class, () -> DefinitionParser.parse(definition));

    assertThat(thrown.problems())
        .extracting(ValidationProblem::location, ValidationProblem::rule)
        .containsExactlyInAnyOrder(
            tuple("/States/A/ResultPath", ValidationRules.INVALID_REFERENCE_PATH),
            tuple("/States/A/Parameters", ValidationRules.INVALID_JSONPATH),
            tuple("/States/A/Catch/0/ResultPath", ValidationRules.INVALID_REFERENCE_PATH),
            tuple("/States/B/ErrorPath", ValidationRules.INVALID_JSONPATH),
            tuple("/States/B/CausePath", ValidationRules.INVALID_JSONPATH));
  }

  // Recorded against AWS: CreateStateMachine refuses a \" inside an intrinsic function's string
  // literal with "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic
  // function call".
  @Test
  void anIntrinsicStringLiteralWithAnEscapeStepFunctionsDoesNotKnowIsRefused() {
    String definition =
        """
        {"StartAt": "IntrinsicEscape", "States": {"IntrinsicEscape": {"Type": "Pass",
          "Parameters": {"parsed.$":
            "States.StringToJson('{\\"text\\":\\"An \\\\\\"escaped double quote\\\\\\" here\\"}')"},
          "End": true}}}
        """;

    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class, () -> DefinitionParser.parse(definition));

    assertThat(thrown.problems())
        .extracting(ValidationProblem::location, ValidationProblem::rule)
        .containsExactly(
            tuple("/States/IntrinsicEscape/Parameters", ValidationRules.INVALID_JSONPATH));
    assertThat(thrown.problems().get(0).message())
        .contains(
            "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic"
                + " function call");
  }

  // AWS docs, Wait state: "You must specify time as an integer value from 0 to 99999999".
  @Test
  void waitSecondsAboveTheLimitAreRefused() {
    String wait =
        "{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": %d,"
            + " \"End\": true}}}";

    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class,
            () -> DefinitionParser.parse(wait.formatted(100_000_000)));

    assertThat(thrown.problems())
        .extracting(ValidationProblem::location, ValidationProblem::rule)
        .containsExactly(tuple("/States/W/Seconds", ValidationRules.INVALID_VALUE));
    assertThat(DefinitionParser.parse(wait.formatted(99_999_999))).isNotNull();
  }

  // AWS docs, Fail state: ErrorPath and CausePath may use "an intrinsic function that returns a
  // string. These intrinsics are: States.Format, States.JsonToString, States.ArrayGetItem,
  // States.Base64Encode, States.Base64Decode, States.Hash, and States.UUID."
  @Test
  void errorPathAndCausePathCallOnlyFunctionsThatReturnAString() {
    String fail =
        "{\"StartAt\": \"F\", \"States\": {\"F\": {\"Type\": \"Fail\", \"ErrorPath\": \"%s\","
            + " \"CausePath\": \"%s\"}}}";

    InvalidDefinitionException thrown =
        catchThrowableOfType(
            InvalidDefinitionException.class,
            () ->
                DefinitionParser.parse(
                    fail.formatted("States.Array('x')", "States.MathAdd(1, 2)")));

    assertThat(thrown.problems())
        .extracting(ValidationProblem::location, ValidationProblem::rule)
        .containsExactlyInAnyOrder(
            tuple("/States/F/ErrorPath", ValidationRules.INVALID_JSONPATH),
            tuple("/States/F/CausePath", ValidationRules.INVALID_JSONPATH));
    assertThat(thrown.problems().get(0).message()).contains("States.Format");
    assertThat(
            DefinitionParser.parse(
                fail.formatted("States.Format('e{}', $.n)", "States.JsonToString($.o)")))
        .isNotNull();
  }

  private static boolean rejects(Runnable parse) {
    try {
      parse.run();
      return false;
    } catch (InvalidPathException e) {
      return true;
    }
  }
}
