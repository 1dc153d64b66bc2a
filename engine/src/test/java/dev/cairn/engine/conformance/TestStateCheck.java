package dev.cairn.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.conformance.CaseRunner.Outcome;
import dev.cairn.engine.conformance.Corpus.Case;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.teststate.TestState;
import dev.cairn.engine.teststate.TestStateRequest;
import dev.cairn.engine.teststate.TestStateResult;
import java.util.Optional;

/**
 * Runs a TestState case through the engine's {@link TestState} and compares every field AWS
 * returned: status, output, error, cause, nextState and inspectionData. A field AWS omitted must be
 * omitted too.
 */
final class TestStateCheck {
  private TestStateCheck() {}

  /** The case's outcome; a request the engine refuses is a failure that says why. */
  static Outcome run(TestState testState, Case c) {
    TestStateResult result;
    try {
      result = testState.test(TestStateRequest.fromJson(c.json().path("request")));
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? "" : ": " + e.getMessage();
      return Outcome.failed(
          "TestState refused the request: " + e.getClass().getSimpleName() + message);
    }
    return judge(c, result);
  }

  private static Outcome judge(Case c, TestStateResult actual) {
    JsonNode expected = c.expected();
    JsonNode actualJson = actual.toJson();
    JsonMatcher matcher = new JsonMatcher(c.placeholders());
    String expectedStatus = expected.path("status").asText();
    if (!expectedStatus.equals(actual.status().name())) {
      return Outcome.failed(
          "status: expected " + expectedStatus + " but was " + Json.write(actualJson));
    }
    for (String field : new String[] {"output", "inspectionData"}) {
      Optional<String> mismatch =
          compare(field, expected.get(field), actualJson.get(field), matcher);
      if (mismatch.isPresent()) {
        return Outcome.failed(mismatch.get());
      }
    }
    for (String field : new String[] {"error", "cause", "nextState"}) {
      JsonNode want = expected.get(field);
      JsonNode got = actualJson.get(field);
      if (want == null || got == null) {
        if (want != got) {
          return Outcome.failed(
              field + ": expected " + JsonMatcher.abbreviate(want) + " but was " + got);
        }
      } else if (!matcher.matchesText(want.asText(), got.asText())) {
        return Outcome.failed(
            field
                + ": expected "
                + JsonMatcher.abbreviate(want.asText())
                + " but was "
                + JsonMatcher.abbreviate(got.asText()));
      }
    }
    return Outcome.PASSED;
  }

  private static Optional<String> compare(
      String field, JsonNode expected, JsonNode actual, JsonMatcher matcher) {
    if (expected == null) {
      return actual == null
          ? Optional.empty()
          : Optional.of(field + ": expected none but was " + JsonMatcher.abbreviate(actual));
    }
    return matcher.mismatch(expected, actual).map(m -> field + " " + m);
  }
}
