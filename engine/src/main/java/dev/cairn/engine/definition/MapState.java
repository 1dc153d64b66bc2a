package dev.cairn.engine.definition;

import dev.cairn.engine.path.JsonPath;
import dev.cairn.engine.path.PayloadTemplate;
import java.math.BigDecimal;
import java.util.List;

/**
 * A Map state: runs its item processor once per item of an array; its result is the array of the
 * iterations' outputs, in item order.
 *
 * @param next the next state, or null when {@code End} is true
 * @param itemsPath ItemsPath; null means {@code $}
 * @param itemSelector ItemSelector, or the legacy Parameters, or null
 * @param itemProcessor ItemProcessor, or the legacy Iterator
 * @param mode the processor's mode (INLINE unless ProcessorConfig says DISTRIBUTED)
 * @param maxConcurrency MaxConcurrency (0, the default, means no limit), or null when given by path
 * @param maxConcurrencyPath MaxConcurrencyPath, or null
 * @param toleratedFailureCount ToleratedFailureCount, or null
 * @param toleratedFailureCountPath ToleratedFailureCountPath, or null
 * @param toleratedFailurePercentage ToleratedFailurePercentage, or null
 * @param toleratedFailurePercentagePath ToleratedFailurePercentagePath, or null
 * @param label Label (distributed mode), or null
 * @param resultSelector the ResultSelector template, or null
 */
public record MapState(
    String name,
    String next,
    IoPath inputPath,
    JsonPath itemsPath,
    PayloadTemplate itemSelector,
    StateMachine itemProcessor,
    Mode mode,
    Integer maxConcurrency,
    JsonPath maxConcurrencyPath,
    Integer toleratedFailureCount,
    JsonPath toleratedFailureCountPath,
    BigDecimal toleratedFailurePercentage,
    JsonPath toleratedFailurePercentagePath,
    String label,
    PayloadTemplate resultSelector,
    ResultPathSpec resultPath,
    IoPath outputPath,
    List<Retrier> retry,
    List<Catcher> catchers)
    implements State {
  /** Where iterations run: inline in the execution, or as child executions. */
  public enum Mode {
    INLINE,
    DISTRIBUTED
  }

  public MapState {
    retry = List.copyOf(retry);
    catchers = List.copyOf(catchers);
  }
}
