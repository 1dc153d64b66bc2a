package dev.cairn.cli;

/** The exit codes of every command, documented in docs/cli.md. */
public final class ExitCodes {
  /** The command did what was asked (for a run: the execution succeeded, or --json was given). */
  public static final int OK = 0;

  /** The execution ended, but not with SUCCEEDED (without --json). */
  public static final int EXECUTION_NOT_SUCCEEDED = 1;

  /**
   * {@code cairn audit verify} found the trail damaged: rewritten, forged, unsigned or incomplete.
   */
  public static final int CHECK_FAILED = 1;

  /** Bad arguments, or a definition, input or file that is invalid or unreadable. */
  public static final int INVALID_INPUT = 2;

  /** Something that is not the user's fault: a bug or an environment problem. */
  public static final int INTERNAL_ERROR = 70;

  private ExitCodes() {}
}
