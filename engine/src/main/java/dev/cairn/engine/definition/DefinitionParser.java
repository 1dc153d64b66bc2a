package dev.cairn.engine.definition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses and validates Amazon States Language definitions into {@link StateMachine}s, reporting
 * every problem at once, located by JSON pointer, the way Step Functions' CreateStateMachine does.
 *
 * <p>Both query languages are accepted, JSONPath and JSONata, for the whole machine or per state,
 * with variables ({@code Assign}). Map's ItemReader, ResultWriter and ItemBatcher and Task's
 * Credentials are reported as {@link ValidationRules#UNSUPPORTED_FEATURE}.
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
    return parse(readTree(definitionText), problems);
  }

  /** The tree of text the scan found well-formed, read as the scan read it (see its factory). */
  private static JsonNode readTree(String definitionText) {
    try (JsonParser parser = JsonTextCheck.DEFINITION_FACTORY.createParser(definitionText)) {
      return Json.MAPPER.readTree(parser);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
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

  /**
   * Parses a definition for TestState, which supplies a Map's items itself: a Map state's
   * ItemReader is accepted (as the ItemReader's field of the state's {@link StateFlow}) instead of
   * being reported as unsupported. Executions never get such a machine.
   *
   * @throws InvalidDefinitionException listing every problem
   */
  public static StateMachine parseWithSimulatedItemReaders(JsonNode definition) {
    Objects.requireNonNull(definition, "definition");
    return parse(definition, new ArrayList<>(), true);
  }

  private static StateMachine parse(JsonNode definition, List<ValidationProblem> problems) {
    return parse(definition, problems, false);
  }

  private static StateMachine parse(
      JsonNode definition, List<ValidationProblem> problems, boolean simulatedItemReaders) {
    if (!definition.isObject()) {
      FieldReader.report(
          problems,
          "",
          ValidationRules.INVALID_TYPE,
          "a state machine definition must be a JSON object with StartAt and States, but is "
              + FieldReader.typeOf(definition));
      throw new InvalidDefinitionException(problems);
    }
    StateMachine machine =
        new MachineParser(problems, simulatedItemReaders)
            .parse(definition, "", MachineParser.Kind.TOP);
    VariableScopes.check(definition, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return machine;
  }
}
