package dev.cairn.engine.path;

/**
 * A path, reference path, intrinsic function or payload template that is not well-formed. Raised
 * when a definition is parsed, so the validator can report it with the field's location.
 */
public class InvalidPathException extends IllegalArgumentException {
  /**
   * @param message what is wrong and what was expected, naming the offending text
   */
  public InvalidPathException(String message) {
    super(message);
  }
}
