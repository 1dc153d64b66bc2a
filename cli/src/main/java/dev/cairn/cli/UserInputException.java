package dev.cairn.cli;

/**
 * A problem with what the user gave (a file, a definition, an option): printed as its message,
 * without a stack trace, with exit code {@link ExitCodes#INVALID_INPUT}.
 */
public final class UserInputException extends RuntimeException {
  /**
   * @param message what is wrong and what was expected
   */
  public UserInputException(String message) {
    super(message);
  }
}
