package dev.cairn.pipeline.audit;

import java.util.Objects;

/**
 * Why something failed, as the engine reports it: an error name (ASL style, e.g. {@code
 * States.Timeout}, {@code Cairn.HealthCheckFailed}) and a human-readable cause. The cause must not
 * contain secrets; callers pass the same redacted text they show users.
 *
 * @param name the error name
 * @param cause the explanation, or null
 */
public record AuditError(String name, String cause) {

  /** Requires a name. */
  public AuditError {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an error needs a name");
    }
  }
}
