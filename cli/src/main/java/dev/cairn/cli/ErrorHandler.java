package dev.cairn.cli;

import dev.cairn.engine.definition.InvalidDefinitionException;
import picocli.CommandLine;

/**
 * Turns exceptions into a one-paragraph message on stderr and an exit code. Stack traces are shown
 * only for bugs, and only when CAIRN_DEBUG is set. Public because {@code cairn aws} (module {@code
 * aws-cli}, its own jar) reports errors the same way.
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    return report(exception, commandLine.getErr());
  }

  /** Prints the message for {@code exception} on {@code err}; returns the exit code. */
  static int report(Exception exception, java.io.PrintWriter err) {
    int code = exitCodeOf(exception);
    if (code == ExitCodes.INTERNAL_ERROR) {
      err.println("cairn: internal error: " + exception);
      if (System.getenv("CAIRN_DEBUG") != null) {
        exception.printStackTrace(err);
      } else {
        err.println("(set CAIRN_DEBUG=1 to see the stack trace)");
      }
    } else if (exception instanceof UserInputException input && input.isLocated()) {
      err.println(exception.getMessage());
    } else {
      err.println("cairn: " + exception.getMessage());
    }
    err.flush();
    return code;
  }

  /** The exit code for {@code exception}: invalid input (2) for a person's mistake, else 70. */
  public static int exitCodeOf(Throwable exception) {
    if (exception instanceof UserInputException
        || exception instanceof InvalidDefinitionException
        || exception instanceof IllegalArgumentException) {
      return ExitCodes.INVALID_INPUT;
    }
    return ExitCodes.INTERNAL_ERROR;
  }
}
