package dev.cairn.engine.definition;

/**
 * The stable rule codes of {@link ValidationProblem#rule()}. Scripts match on these, so a code is
 * never renamed; new rules get new codes.
 */
public final class ValidationRules {
  /** The text is not JSON (or has content after the definition). */
  public static final String INVALID_JSON = "INVALID_JSON";

  /** Two states of one {@code States} object, or of the whole machine, share a name. */
  public static final String DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME";

  /** A JSON object other than {@code States} has the same key twice. */
  public static final String DUPLICATE_FIELD = "DUPLICATE_FIELD";

  /** Fields that exclude each other are combined, or none of a required set is given. */
  public static final String SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED";

  /** A required field is absent. */
  public static final String MISSING_REQUIRED_FIELD = "MISSING_REQUIRED_FIELD";

  /** A field that this kind of object does not accept. */
  public static final String FIELD_NOT_ALLOWED = "FIELD_NOT_ALLOWED";

  /** A field has the wrong JSON type (e.g. a string where an integer is expected). */
  public static final String INVALID_TYPE = "INVALID_TYPE";

  /** A field has the right JSON type but a value outside what is accepted. */
  public static final String INVALID_VALUE = "INVALID_VALUE";

  /** A {@code StartAt}, {@code Next} or {@code Default} names no state of its scope. */
  public static final String MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET";

  /** A state that no path of transitions from {@code StartAt} leads to. */
  public static final String UNREACHABLE_STATE = "UNREACHABLE_STATE";

  /** A machine, branch or item processor without any state that ends it. */
  public static final String NO_TERMINAL_STATE = "NO_TERMINAL_STATE";

  /** A path, intrinsic function or payload template that does not parse. */
  public static final String INVALID_JSONPATH = "INVALID_JSONPATH";

  /** A {@code {% %}} string whose JSONata expression does not parse. */
  public static final String INVALID_JSONATA = "INVALID_JSONATA";

  /** A path that must designate at most one node but may designate several. */
  public static final String INVALID_REFERENCE_PATH = "INVALID_REFERENCE_PATH";

  /** Valid Amazon States Language that Cairn's engine does not run yet. */
  public static final String UNSUPPORTED_FEATURE = "UNSUPPORTED_FEATURE";

  private ValidationRules() {}
}
