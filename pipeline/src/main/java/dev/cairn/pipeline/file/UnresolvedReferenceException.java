package dev.cairn.pipeline.file;

/**
 * A {@code ${...}} reference has no value when it is resolved, e.g. a secret that was never set. A
 * person must provide the value; retrying does not help. The message names the reference, never a
 * value.
 */
public final class UnresolvedReferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String expression;

  /**
   * Creates the exception.
   *
   * @param expression the reference without {@code ${ }}, e.g. {@code secrets.api-token}
   */
  public UnresolvedReferenceException(String expression) {
    super("no value for ${" + expression + "}");
    this.expression = expression;
  }

  /** The reference without {@code ${ }}, e.g. {@code secrets.api-token}. */
  public String expression() {
    return expression;
  }
}
