package dev.cairn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The subcommands of a command, registered by name so that a command line which names one builds
 * only that one. Picocli reads every subcommand's annotations and loads the classes of its fields
 * when a command is built; for {@code cairn states run} that was about half of the start-up time
 * (JGit, the AWS SDK, Bouncy Castle and the server reached through other commands' fields). Without
 * a known name in the arguments (no subcommand, {@code --help}, {@code help}, a mistyped name)
 * every subcommand is built, in the order given, so usage and error messages are unchanged.
 */
final class Subcommands {
  private final Map<String, Function<String[], CommandLine>> byName = new LinkedHashMap<>();

  /** Adds a subcommand whose own subcommands, if any, are all built with it. */
  Subcommands add(String name, Supplier<Object> command) {
    byName.put(name, args -> new CommandLine(command.get()));
    return this;
  }

  /** Adds a subcommand whose command line is built from the arguments (its own lazy children). */
  Subcommands addLine(String name, Function<String[], CommandLine> commandLine) {
    byName.put(name, commandLine);
    return this;
  }

  /**
   * Registers on {@code parent} the subcommand named by {@code args[position]}, or all of them when
   * that is not one of their names; returns whether it registered all of them.
   */
  boolean registerOn(CommandLine parent, String[] args, int position) {
    Function<String[], CommandLine> named =
        position < args.length ? byName.get(args[position]) : null;
    if (named != null) {
      parent.addSubcommand(args[position], named.apply(args));
      return false;
    }
    byName.forEach((name, commandLine) -> parent.addSubcommand(name, commandLine.apply(args)));
    return true;
  }
}
