package dev.cairn.cli;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.json.Json;
import java.io.PrintStream;

/** Prints an execution's result for people or, with --json, as one JSON object. */
final class ExecutionPrinter {
  private ExecutionPrinter() {}

  /** Prints the result and returns the exit code. */
  static int printResult(ExecutionDescription result, boolean json, PrintStream out) {
    if (json) {
      out.println(Json.write(result.toResultJson()));
      return ExitCodes.OK;
    }
    out.println(result.status());
    if (result.output() != null) {
      out.println(Json.writePretty(result.output()));
    }
    if (result.error() != null) {
      out.println("error: " + result.error());
    }
    if (result.cause() != null) {
      out.println("cause: " + result.cause());
    }
    return result.status() == ExecutionStatus.SUCCEEDED
        ? ExitCodes.OK
        : ExitCodes.EXECUTION_NOT_SUCCEEDED;
  }
}
