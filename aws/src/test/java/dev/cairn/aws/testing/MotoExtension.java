package dev.cairn.aws.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(MotoExtension.class)}: skips the test class — reported as skipped, with the
 * message {@code moto_server not found: ...} — when moto_server is absent, before any of its
 * {@code @BeforeAll} methods run; otherwise starts moto before them, so that a failure to start
 * shows up once, at the class.
 */
public final class MotoExtension implements ExecutionCondition, BeforeAllCallback {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (Moto.executable().isPresent()) {
      return ConditionEvaluationResult.enabled("moto_server found");
    }
    String message = Moto.notFoundMessage();
    // Also on stderr: build logs do not always show skip reasons.
    System.err.println(context.getDisplayName() + " skipped: " + message);
    return ConditionEvaluationResult.disabled(message);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Moto.endpoint();
  }
}
