package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers the task tokens the deploy queue's waiting states hand over: Cairn's engine locally, Step
 * Functions' SendTaskSuccess/SendTaskFailure on AWS.
 */
public interface TaskTokens {
  /**
   * Ends the waiting task successfully with {@code output}.
   *
   * @throws GoneTokenException when the task no longer waits (its run ended or timed out)
   */
  void succeed(String token, JsonNode output);

  /**
   * Fails the waiting task with an error name and a cause.
   *
   * @throws GoneTokenException when the task no longer waits
   */
  void fail(String token, String error, String cause);

  /** The task a token belonged to no longer waits: nothing can be told to it any more. */
  final class GoneTokenException extends RuntimeException {
    /** The task of a token is gone; {@code why} never holds the token. */
    public GoneTokenException(String why) {
      super(why);
    }

    /** The task of a token is gone, as {@code cause} tells; {@code why} never holds the token. */
    public GoneTokenException(String why, Throwable cause) {
      super(why, cause);
    }
  }
}
