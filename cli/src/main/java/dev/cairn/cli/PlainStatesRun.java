package dev.cairn.cli;

import java.io.PrintWriter;

/**
 * {@code cairn states run} without picocli, for the plain argument lists most runs have: the
 * definition, and {@code --input FILE} and {@code --json} in any order. Building picocli's model of
 * even one command reads its annotations by reflection, and picocli's classes (Java 5 class files)
 * cannot be linked ahead of time by the JDK's cache, so for a one-state machine they were about a
 * third of the process's CPU time. Anything else ({@code --help}, other options, a mistake) goes to
 * picocli as before, so usage and error messages are picocli's.
 */
final class PlainStatesRun {
  private PlainStatesRun() {}

  /**
   * The command these arguments ask for, when they are a plain {@code states run}; null when
   * picocli must read them.
   */
  static StatesRunCommand parse(String[] args) {
    if (args.length < 3 || !args[0].equals("states") || !args[1].equals("run")) {
      return null;
    }
    StatesRunCommand command = new StatesRunCommand();
    command.waitScale = 1; // the option's default
    String definition = null;
    for (int i = 2; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--json") && !command.json) {
        command.json = true;
      } else if (arg.equals("--input") && command.input == null && i + 1 < args.length) {
        String value = args[++i];
        if (isOption(value)) {
          return null; // picocli's message for a missing value
        }
        command.input = value;
      } else if (arg.startsWith("--input=") && command.input == null) {
        command.input = arg.substring("--input=".length());
      } else if (!isOption(arg) && definition == null) {
        definition = arg;
      } else {
        return null;
      }
    }
    if (definition == null || command.input != null && command.input.isEmpty()) {
      return null;
    }
    command.definition = definition;
    return command;
  }

  /** Runs the command, reporting failures as {@link ErrorHandler} does under picocli. */
  static int run(StatesRunCommand command) {
    try {
      return command.call();
    } catch (Exception e) {
      return ErrorHandler.report(e, new PrintWriter(System.err, true));
    }
  }

  /** What picocli would read as an option name ("-" alone is standard input). */
  private static boolean isOption(String arg) {
    return arg.startsWith("-") && !arg.equals("-");
  }
}
