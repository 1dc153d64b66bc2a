package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Parses and validates Amazon States Language definitions into {@link StateMachine}s, reporting
 * every problem at once, located by JSON pointer, the way Step Functions' CreateStateMachine does.
 */
public final class DefinitionParser {
  // STUB: implemented by the definitions work.
  private DefinitionParser() {}

  /**
   * Parses a definition given as JSON text.
   *
   * @throws InvalidDefinitionException listing every problem (a JSON syntax error is one problem
   *     with its line and column)
   */
  public static StateMachine parse(String definitionText) {
    throw new UnsupportedOperationException("stub");
  }

  /**
   * Parses a definition given as a JSON tree.
   *
   * @throws InvalidDefinitionException listing every problem
   */
  public static StateMachine parse(JsonNode definition) {
    throw new UnsupportedOperationException("stub");
  }
}
