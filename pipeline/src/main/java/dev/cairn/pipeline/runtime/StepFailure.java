package dev.cairn.pipeline.runtime;

import dev.cairn.engine.error.StatesException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A step failed with one of {@link CairnError}'s names: the task's error on the engine (and,
 * through the AWS runner's result, on Step Functions). The message is for people and holds no
 * secret.
 */
public final class StepFailure extends StatesException {
  private final CairnError kind;

  /** A failure of kind {@code kind} with a cause for people. */
  public StepFailure(CairnError kind, String cause) {
    super(kind.errorName(), cause);
    this.kind = kind;
  }

  /** The kind of failure. */
  public CairnError kind() {
    return kind;
  }

  /**
   * What went wrong with a file or a connection, in words for a failure's cause: the exception's
   * message without its class name ({@code "no such file: /x"}, not {@code
   * "java.nio.file.NoSuchFileException: /x"}), and "the disk is full" where the operating system
   * said so.
   */
  public static String describe(IOException e) {
    String message = e.getMessage();
    if (message != null
        && (message.contains("No space left on device")
            || message.contains("Disk quota exceeded"))) {
      return "the disk is full (" + message + ")";
    }
    if (e instanceof FileSystemException f && f.getReason() == null) {
      String what =
          switch (f) {
            case NoSuchFileException n -> "no such file";
            case FileAlreadyExistsException a -> "already exists";
            case AccessDeniedException a -> "permission denied";
            default -> "cannot use";
          };
      return what + ": " + f.getFile();
    }
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase();
    }
    return message;
  }
}
