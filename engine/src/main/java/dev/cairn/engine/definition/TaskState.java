package dev.cairn.engine.definition;

import dev.cairn.engine.path.JsonPath;
import dev.cairn.engine.path.PayloadTemplate;
import java.util.List;

/**
 * A Task state: runs the work named by {@code Resource} through a task handler.
 *
 * @param next the next state, or null when {@code End} is true
 * @param resource the Resource ARN as written, e.g. {@code arn:aws:states:::lambda:invoke}
 * @param parameters the Parameters template, or null
 * @param resultSelector the ResultSelector template, or null
 * @param timeoutSeconds the time limit, or null (Step Functions' default: 99999999 s)
 * @param timeoutSecondsPath where to read the time limit in the input, or null
 * @param heartbeatSeconds the heartbeat interval, or null for none
 * @param heartbeatSecondsPath where to read the heartbeat interval in the input, or null
 */
public record TaskState(
    String name,
    String next,
    String resource,
    IoPath inputPath,
    PayloadTemplate parameters,
    PayloadTemplate resultSelector,
    ResultPathSpec resultPath,
    IoPath outputPath,
    List<Retrier> retry,
    List<Catcher> catchers,
    Integer timeoutSeconds,
    JsonPath timeoutSecondsPath,
    Integer heartbeatSeconds,
    JsonPath heartbeatSecondsPath)
    implements State {
  public TaskState {
    retry = List.copyOf(retry);
    catchers = List.copyOf(catchers);
  }
}
