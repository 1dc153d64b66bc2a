package dev.cairn.cli;

/**
 * The jar's entry point: a plain {@code cairn states run} (see {@link PlainStatesRun}) without
 * loading picocli at all, everything else through {@link CairnCommand}. A class of its own because
 * verifying {@link CairnCommand} loads picocli's classes, which the JDK's ahead-of-time cache
 * cannot hold.
 */
public final class Main {
  private Main() {}

  /** Runs the CLI and exits with its exit code (see docs/cli.md). */
  public static void main(String[] args) {
    StatesRunCommand plainRun = PlainStatesRun.parse(args);
    if (plainRun == null) {
      System.exit(CairnCommand.run(args));
    }
    int code = PlainStatesRun.run(plainRun);
    System.out.flush();
    System.err.flush();
    // Not System.exit: since JDK 21 Runtime.exit asks System.Logger whether to log the exit, and
    // finding a logger backend opens every jar of the class path (tens of milliseconds, more than
    // running a small machine). A plain run has nothing left to shut down: the engine is closed and
    // the output flushed.
    Runtime.getRuntime().halt(code);
  }
}
