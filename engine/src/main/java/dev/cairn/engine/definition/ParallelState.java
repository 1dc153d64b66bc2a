package dev.cairn.engine.definition;

import dev.cairn.engine.path.PayloadTemplate;
import java.util.List;

/**
 * A Parallel state: runs every branch on the same input; its result is the array of the branches'
 * outputs, in branch order.
 *
 * @param next the next state, or null when {@code End} is true
 * @param parameters the Parameters template, or null
 * @param resultSelector the ResultSelector template, or null
 */
public record ParallelState(
    String name,
    String next,
    IoPath inputPath,
    PayloadTemplate parameters,
    PayloadTemplate resultSelector,
    ResultPathSpec resultPath,
    IoPath outputPath,
    List<Retrier> retry,
    List<Catcher> catchers,
    List<StateMachine> branches)
    implements State {
  public ParallelState {
    retry = List.copyOf(retry);
    catchers = List.copyOf(catchers);
    branches = List.copyOf(branches);
  }
}
