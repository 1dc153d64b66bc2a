package dev.cairn.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Evaluates the intrinsic function calls of the conformance corpus (executions recorded against AWS
 * Step Functions) and compares them with what AWS produced. Every JSONPath case under {@code
 * intrinsic_functions} has one Pass state whose Parameters hold the call; the recorded output holds
 * its value (under the key, or whole when OutputPath selects it). Placeholder values are given to
 * the context object where AWS' own were masked; MathRandom's masked result is checked against its
 * range. The corpus lives outside the repository: set {@code cairn.conformance.dir} to point
 * elsewhere; the tests are skipped when it is absent.
 */
class IntrinsicCorpusTest {
  private static final Path CORPUS =
      Path.of(System.getProperty("cairn.conformance.dir", "../../shared/asl-conformance"));
  private static final int JSONPATH_INTRINSIC_CASES = 76;

  /** What the recording tool wrote in place of the execution's name and the machine's ARN. */
  private static final String CONTEXT =
      """
      {"Execution": {"Name": "<ExecArnPart_0idx>"},
       "StateMachine": {
         "Id": "arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>",
         "Name": "<ArnPart_0idx>"}}
      """;

  @TestFactory
  Stream<DynamicTest> everyRecordedCallGivesWhatAwsGave() throws IOException {
    Path cases = CORPUS.resolve("cases");
    assumeTrue(Files.isDirectory(cases), "conformance corpus not found at " + CORPUS);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(cases)) {
      listing
          .filter(f -> f.getFileName().toString().startsWith("intrinsic_functions__"))
          .filter(f -> !read(f).path("definition").toString().contains("JSONata"))
          .sorted()
          .forEach(files::add);
    }
    assertThat(files).hasSize(JSONPATH_INTRINSIC_CASES);
    return files.stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) {
    JsonNode recorded = read(file);
    JsonNode definition = recorded.get("definition");
    JsonNode state = definition.get("States").get(definition.get("StartAt").asText());
    JsonNode input = recorded.get("input");
    ObjectNode context = (ObjectNode) Json.parse(CONTEXT);
    ((ObjectNode) context.get("Execution")).set("Input", input);
    JsonNode output = recorded.get("expected").get("output");

    int calls = 0;
    for (Map.Entry<String, JsonNode> parameter : state.get("Parameters").properties()) {
      String key = parameter.getKey();
      String call = parameter.getValue().asText();
      if (!key.endsWith(".$") || !IntrinsicFunction.looksLikeCall(call)) {
        continue;
      }
      calls++;
      String field = key.substring(0, key.length() - 2);
      JsonNode result =
          IntrinsicFunction.parse(call).evaluate(new EvaluationContext(input, context), key);
      JsonNode expected = output.has(field) ? output.get(field) : output;
      if (call.startsWith("States.MathRandom")) {
        assertThat(expected.asText()).isEqualTo("RandomNumberGenerated");
        assertThat(result.isInt()).isTrue();
        JsonNode bounds = input.get("FunctionInput");
        assertThat(result.intValue())
            .isBetween(
                (int) Math.floor(bounds.get("fst").asDouble() + 0.5),
                (int) Math.floor(bounds.get("snd").asDouble() + 0.5) - 1);
      } else {
        assertThat(result).isEqualTo(expected);
      }
    }
    assertThat(calls).isPositive();
  }

  private static JsonNode read(Path file) {
    try {
      return Json.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
