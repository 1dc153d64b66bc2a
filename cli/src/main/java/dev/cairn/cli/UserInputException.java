package dev.cairn.cli;

/**
 * A problem with what the user gave (a file, a definition, an option): printed as its message,
 * without a stack trace, with exit code {@link ExitCodes#INVALID_INPUT}.
 */
public final class UserInputException extends RuntimeException {
  private final boolean located;

  /**
   * @param message what is wrong and what was expected
   */
  public UserInputException(String message) {
    this(message, false);
  }

  private UserInputException(String message, boolean located) {
    super(message);
    this.located = located;
  }

  /**
   * Problems that each start with their place ({@code file:line:column: message}, one a line):
   * printed as they are, so that editors and CI parsers find every one of them, the first too.
   */
  public static UserInputException located(String problems) {
    return new UserInputException(problems, true);
  }

  /** True when the message is located problems, printed without Cairn's prefix. */
  public boolean isLocated() {
    return located;
  }
}
