package dev.cairn.engine.choice;

import dev.cairn.engine.path.EvaluationContext;
import java.util.List;

/** The boolean expressions {@code And}, {@code Or} and {@code Not} over nested rules. */
final class BooleanExpression {
  private BooleanExpression() {}

  /** True when every rule matches; stops at the first that does not, as the spec requires. */
  record And(ChoiceRule[] rules) implements ChoiceRule {
    And(List<ChoiceRule> rules) {
      this(rules.toArray(ChoiceRule[]::new));
    }

    @Override
    public boolean matches(EvaluationContext context) {
      for (ChoiceRule rule : rules) {
        if (!rule.matches(context)) {
          return false;
        }
      }
      return true;
    }
  }

  /** True when any rule matches; stops at the first that does. */
  record Or(ChoiceRule[] rules) implements ChoiceRule {
    Or(List<ChoiceRule> rules) {
      this(rules.toArray(ChoiceRule[]::new));
    }

    @Override
    public boolean matches(EvaluationContext context) {
      for (ChoiceRule rule : rules) {
        if (rule.matches(context)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The inverse of one rule. */
  record Not(ChoiceRule rule) implements ChoiceRule {
    @Override
    public boolean matches(EvaluationContext context) {
      return !rule.matches(context);
    }
  }
}
