package dev.cairn.engine.choice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.ValidationProblem;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
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
 * Runs the Choice states of the conformance corpus (executions recorded against AWS Step Functions)
 * through {@link ChoiceRules}: every {@code choice_operators} case, plus the other cases whose
 * machine starts with a JSONPath Choice state. Each must parse without problems and pick the state
 * AWS went to. The corpus lives outside the repository; set {@code cairn.conformance.dir} to point
 * elsewhere, and the tests are skipped when it is absent.
 */
class ChoiceCorpusTest {
  private static final Path CORPUS =
      Path.of(System.getProperty("cairn.conformance.dir", "../../shared/asl-conformance"));
  private static final int CHOICE_OPERATOR_CASES = 328;

  @TestFactory
  Stream<DynamicTest> everyChoiceCasePicksTheStateAwsPicked() throws IOException {
    Path cases = CORPUS.resolve("cases");
    assumeTrue(Files.isDirectory(cases), "conformance corpus not found at " + CORPUS);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(cases)) {
      listing.filter(ChoiceCorpusTest::startsWithJsonPathChoice).sorted().forEach(files::add);
    }
    assertThat(
            files.stream().filter(f -> f.getFileName().toString().startsWith("choice_operators")))
        .hasSize(CHOICE_OPERATOR_CASES);
    return files.stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static boolean startsWithJsonPathChoice(Path file) {
    JsonNode definition = read(file).path("definition");
    JsonNode start = definition.path("States").path(definition.path("StartAt").asText());
    return start.path("Type").asText().equals("Choice")
        && !definition.path("QueryLanguage").asText().equals("JSONata")
        && !start.path("QueryLanguage").asText().equals("JSONata");
  }

  private static void check(Path file) {
    JsonNode recorded = read(file);
    JsonNode definition = recorded.get("definition");
    String name = definition.get("StartAt").asText();
    JsonNode state = definition.get("States").get(name);
    JsonNode input = recorded.get("input");
    EvaluationContext context =
        new EvaluationContext(
            input, Json.parse("{\"Execution\": {\"Input\": " + Json.write(input) + "}}"));

    String next = state.path("Default").asText(null);
    JsonNode choices = state.get("Choices");
    for (int i = 0; i < choices.size(); i++) {
      List<ValidationProblem> problems = new ArrayList<>();
      ChoiceRule rule =
          ChoiceRules.parse(choices.get(i), "/States/" + name + "/Choices/" + i, problems);
      assertThat(problems).isEmpty();
      if (rule.matches(context)) {
        next = choices.get(i).get("Next").asText();
        break;
      }
    }

    assertThat(next).isEqualTo(expectedNext(recorded));
  }

  /**
   * The state AWS entered after the Choice: from the recorded event trace when there is one, else
   * the state whose fixed Result is the recorded output.
   */
  private static String expectedNext(JsonNode recorded) {
    JsonNode trace = recorded.path("expected").path("eventTrace");
    List<String> entered = new ArrayList<>();
    for (JsonNode event : trace) {
      String[] parts = event.asText().split(" ");
      if (parts[0].endsWith("StateEntered")) {
        entered.add(parts[1]);
      }
    }
    if (entered.size() > 1) {
      return entered.get(1);
    }
    JsonNode output = recorded.path("expected").path("output");
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, JsonNode> state :
        recorded.get("definition").get("States").properties()) {
      if (output.equals(state.getValue().get("Result"))) {
        candidates.add(state.getKey());
      }
    }
    assertThat(candidates).hasSize(1);
    return candidates.get(0);
  }

  private static JsonNode read(Path file) {
    try {
      return Json.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
