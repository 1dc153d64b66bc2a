package dev.cairn.engine.definition;

import dev.cairn.engine.path.ValueExpression;
import java.util.Set;

/**
 * A Fail state: ends its machine with an error. Each of error and cause is given at most one way.
 *
 * @param error Error, or null
 * @param errorPath ErrorPath (a path or an intrinsic function), or null
 * @param cause Cause, or null
 * @param causePath CausePath (a path or an intrinsic function), or null
 */
public record FailState(
    String name, String error, ValueExpression errorPath, String cause, ValueExpression causePath)
    implements State {
  /**
   * The intrinsic functions ErrorPath and CausePath may call: those that return a string (AWS docs,
   * Fail state).
   */
  public static final Set<String> PATH_FUNCTIONS =
      Set.of(
          "States.Format",
          "States.JsonToString",
          "States.ArrayGetItem",
          "States.Base64Encode",
          "States.Base64Decode",
          "States.Hash",
          "States.UUID");
}
