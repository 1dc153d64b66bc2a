package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses and validates Amazon States Language definitions into {@link StateMachine}s, reporting
 * every problem at once, located by JSON pointer, the way Step Functions' CreateStateMachine does.
 *
 * <p>Only JSONPath definitions are accepted: JSONata and variables are reported as {@link
 * ValidationRules#UNSUPPORTED_FEATURE}, as are Map's ItemReader, ResultWriter and ItemBatcher and
 * Task's Credentials.
 */
public final class DefinitionParser {
  private DefinitionParser() {}

  /**
   * Parses a definition given as JSON text.
   *
   * @throws InvalidDefinitionException listing every problem (a JSON syntax error is one problem
   *     with its line and column)
   */
  public static StateMachine parse(String definitionText) {
    Objects.requireNonNull(definitionText, "definitionText");
    List<ValidationProblem> problems = new ArrayList<>();
    if (!JsonTextCheck.scan(definitionText, problems)) {
      throw new InvalidDefinitionException(problems);
    }
    return parse(Json.parse(definitionText), problems);
  }

  /**
   * Parses a definition given as a JSON tree.
   *
   * @throws InvalidDefinitionException listing every problem
   */
  public static StateMachine parse(JsonNode definition) {
    Objects.requireNonNull(definition, "definition");
    return parse(definition, new ArrayList<>());
  }

  private static StateMachine parse(JsonNode definition, List<ValidationProblem> problems) {
    if (!definition.isObject()) {
      FieldReader.report(
          problems,
          "",
          ValidationRules.INVALID_TYPE,
          "a state machine definition must be a JSON object with StartAt and States, but is "
              + FieldReader.typeOf(definition));
      throw new InvalidDefinitionException(problems);
    }
    List<ValidationProblem> unsupported = UnsupportedLanguageFeatures.check(definition);
    if (!unsupported.isEmpty()) {
      // The rest would be judged by JSONPath rules and bury the one problem that matters.
      problems.addAll(unsupported);
      throw new InvalidDefinitionException(problems);
    }
    StateMachine machine =
        new MachineParser(problems).parse(definition, "", MachineParser.Kind.TOP);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return machine;
  }
}
