package dev.cairn.git.internal;

import java.util.function.UnaryOperator;

/**
 * A copy of an exception chain whose messages went through a redaction, so that a cause attached to
 * a user-facing exception cannot carry a secret into a log.
 */
public final class RedactedCause extends Exception {

  private static final long serialVersionUID = 1L;

  private RedactedCause(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The chain of {@code original} with every message passed through {@code redact}.
   *
   * @param original the exception, possibly null
   * @param redact what masks secrets in a message (it may receive null)
   * @return the copy with the original stack traces, or null for a null original
   */
  public static Throwable of(Throwable original, UnaryOperator<String> redact) {
    if (original == null) {
      return null;
    }
    RedactedCause copy =
        new RedactedCause(
            original.getClass().getName() + ": " + redact.apply(original.getMessage()),
            of(original.getCause(), redact));
    copy.setStackTrace(original.getStackTrace());
    return copy;
  }
}
