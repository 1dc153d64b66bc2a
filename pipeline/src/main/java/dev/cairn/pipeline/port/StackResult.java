package dev.cairn.pipeline.port;

import java.util.Map;

/**
 * How a stack deployment ended.
 *
 * @param outcome DEPLOYED, NO_CHANGES (the stack already ran this template and these parameters) or
 *     FAILED (the change set was refused, or CloudFormation rolled the stack back)
 * @param stackId the stack's id, or null when the stack does not exist
 * @param stackStatus the stack's final status, e.g. {@code UPDATE_COMPLETE}
 * @param reason why it failed (the first failed resource's reason), or null
 * @param outputs the stack's outputs after the deployment
 */
public record StackResult(
    Outcome outcome,
    String stackId,
    String stackStatus,
    String reason,
    Map<String, String> outputs) {
  /** How a deployment ended. */
  public enum Outcome {
    /** The change set was executed and the stack is complete. */
    DEPLOYED,
    /** Nothing to change. */
    NO_CHANGES,
    /** Refused or rolled back by CloudFormation; the stack runs what it ran before. */
    FAILED
  }

  /** Copies the map. */
  public StackResult {
    outputs = Map.copyOf(outputs == null ? Map.of() : outputs);
  }
}
