package dev.cairn.engine.definition;

import dev.cairn.engine.choice.ChoiceRule;
import java.util.List;

/**
 * A Choice state: goes to the {@code Next} of the first rule that matches, else to {@code Default},
 * else fails with {@code States.NoChoiceMatched}.
 *
 * @param defaultNext the Default state, or null
 */
public record ChoiceState(
    String name, IoPath inputPath, IoPath outputPath, List<Branch> choices, String defaultNext)
    implements State {
  public ChoiceState {
    choices = List.copyOf(choices);
  }

  /**
   * One element of {@code Choices}.
   *
   * @param rule the boolean expression
   * @param next where to go when it matches
   */
  public record Branch(ChoiceRule rule, String next) {}
}
