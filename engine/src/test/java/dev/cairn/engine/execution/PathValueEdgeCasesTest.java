package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.TaskHandlers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values that reach a state through its {@code …Path} fields (Wait's SecondsPath and TimestampPath,
 * Task's TimeoutSecondsPath and HeartbeatSecondsPath) at the edges of what the Amazon States
 * Language allows, and the {@code States.Runtime} causes Step Functions gives for them. Waits run
 * with a wait scale of 0, so an accepted wait ends at once.
 */
class PathValueEdgeCasesTest {
  private static final String PREFIX =
      "An error occurred while executing the state 'W' (entered at the event id #2). ";
  private final Engine engine =
      Engine.builder()
          .taskHandlers(
              new TaskHandlers()
                  .register("*", request -> CompletableFuture.completedFuture(Json.object())))
          .store(new InMemoryExecutionStore())
          .waitScale(0)
          .build();

  @AfterEach
  void close() {
    engine.close();
  }

  private ExecutionDescription run(String definition, JsonNode input) throws Exception {
    String id = engine.start(definition, "edges", null, input);
    return engine.completion(id).get(30, TimeUnit.SECONDS);
  }

  private ExecutionDescription waitFor(String field, JsonNode value) throws Exception {
    String definition =
        "{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \""
            + field
            + "\": \"$.v\", \"End\": true}}}";
    return run(definition, Json.object().set("v", value));
  }

  private static ExecutionDescription assertFailed(ExecutionDescription result, String cause) {
    assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.error()).isEqualTo("States.Runtime");
    assertThat(result.cause()).isEqualTo(PREFIX + cause);
    return result;
  }

  // The specification: an uppercase T between date and time, an uppercase Z or a numeric offset,
  // seconds present (RFC 3339). Java's ISO parser accepts all three of these.
  @ParameterizedTest
  @ValueSource(strings = {"2016-03-14t01:59:00Z", "2016-03-14T01:59:00z", "2016-03-14T01:59Z"})
  void aTimestampPathValueOutsideTheSpecificationsFormatFails(String text) throws Exception {
    assertFailed(
        waitFor("TimestampPath", Json.NODES.textNode(text)),
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time"
            + " format string: $.v == "
            + text);
  }

  // Recorded against AWS: fractional seconds of any length are accepted; so is a numeric offset.
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00.000000Z",
        "2016-03-14T01:59:00.00Z",
        "2016-03-14T01:59:00+01:00"
      })
  void aTimestampPathValueInTheSpecificationsFormatIsWaitedFor(String text) throws Exception {
    assertThat(waitFor("TimestampPath", Json.NODES.textNode(text)).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aJsonataTimestampWithALowercaseSeparatorFailsTheQuery() throws Exception {
    ExecutionDescription result =
        run(
            """
            {"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait",
              "Timestamp": "{% $states.input.v %}", "End": true}}}
            """,
            Json.parse("{\"v\": \"2016-03-14t01:59:00Z\"}"));

    assertThat(result.error()).isEqualTo("States.QueryEvaluationError");
    assertThat(result.cause())
        .isEqualTo(
            PREFIX
                + "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time"
                + " format string: 2016-03-14t01:59:00Z");
  }

  // Recorded against AWS: a timestamp 24,855 days ahead is accepted, 24,856 days ahead is not
  // (Step Functions keeps the delay as a 32-bit number of seconds).
  @Test
  void aTimestampPathMoreThanTwoToTheThirtyFirstSecondsAheadIsTooLong() throws Exception {
    Instant tooFar = Instant.now().plus(24_856, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    assertFailed(
        waitFor("TimestampPath", Json.NODES.textNode(tooFar.toString())),
        "Wait state delay is too long.");
  }

  @Test
  void aTimestampPathJustWithinTheLongestDelayIsWaitedFor() throws Exception {
    Instant farButAllowed = Instant.now().plus(24_855, ChronoUnit.DAYS);

    assertThat(waitFor("TimestampPath", Json.NODES.textNode(farButAllowed.toString())).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aSecondsPathBeyondTheLongestDelayIsTooLong() throws Exception {
    assertFailed(
        waitFor("SecondsPath", Json.NODES.numberNode(2_147_483_648L)),
        "Wait state delay is too long.");
    assertThat(waitFor("SecondsPath", Json.NODES.numberNode(2_147_483_647L)).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aSecondsPathBeyondALongCannotBeParsed() throws Exception {
    assertFailed(
        waitFor("SecondsPath", Json.parse("100000000000000000000")),
        "The SecondsPath parameter cannot be parsed as a long value: $.v == 100000000000000000000");
  }

  // The specification: TimeoutSecondsPath and HeartbeatSecondsPath select positive integers. A
  // fraction used to be truncated (1.5 became a 1-second timeout).
  @ParameterizedTest
  @ValueSource(strings = {"TimeoutSecondsPath", "HeartbeatSecondsPath"})
  void aFractionalTimeoutPathValueFailsTheState(String field) throws Exception {
    ExecutionDescription result = taskWith(field, Json.NODES.numberNode(1.5));

    assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.error()).isEqualTo("States.Runtime");
    assertThat(result.cause())
        .isEqualTo(
            "An error occurred while executing the state 'T' (entered at the event id #2). The"
                + " value of $.v must be a positive integer, but was 1.5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TimeoutSecondsPath", "HeartbeatSecondsPath"})
  void aWholeTimeoutPathValueIsUsed(String field) throws Exception {
    assertThat(taskWith(field, Json.NODES.numberNode(30)).status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(taskWith(field, Json.parse("30.0")).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  // Recorded against AWS through TestState, whose Map evaluation is an execution's: the path is
  // quoted as a reference path, a context path relative to the context object.
  @Test
  void aMapItemsPathThatDoesNotSelectAnArrayFailsWithTheReferencePathNamed() throws Exception {
    String map =
        """
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "%s", "ItemProcessor":
          {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """;
    ExecutionDescription object =
        run(map.formatted("$.items"), Json.parse("{\"items\": {\"a\": 1}}"));
    ExecutionDescription context =
        run(map.formatted("$$.Execution.Input"), Json.parse("{\"items\": [1]}"));

    assertThat(object.error()).isEqualTo("States.Runtime");
    assertThat(object.cause())
        .isEqualTo(
            "An error occurred while executing the state 'M' (entered at the event id #2)."
                + " Reference path \"$.items\" must point to array.");
    assertThat(context.cause())
        .endsWith(" Reference path \"$.Execution.Input\" must point to array.");
  }

  private ExecutionDescription taskWith(String field, JsonNode value) throws Exception {
    String definition =
        "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\":"
            + " \"arn:aws:states:::cairn:work\", \""
            + field
            + "\": \"$.v\", \"End\": true}}}";
    return run(definition, Json.object().set("v", value));
  }
}
