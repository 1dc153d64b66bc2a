package dev.cairn.pipeline.audit;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What caused the event: a push noticed by a hook or webhook, polling, a person, or Cairn itself
 * (e.g. an automatic rollback).
 *
 * @param kind how it was triggered
 * @param actor who: a user name for manual actions, the pusher when known; or null
 */
public record AuditTrigger(Kind kind, String actor) {

  /** How an event was triggered. */
  public enum Kind {
    /** A push reported by a git hook or webhook. */
    PUSH("push"),
    /** A new commit found by polling the remote. */
    POLL("poll"),
    /** A person, through the CLI or the HTTP API. */
    MANUAL("manual"),
    /** Cairn's own policy, e.g. an automatic rollback or superseding. */
    AUTOMATIC("automatic");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    /** The stable name in JSON. */
    public String wireName() {
      return wireName;
    }

    /** The kind with this wire name, or empty. */
    public static Optional<Kind> fromWireName(String name) {
      return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }
  }

  /** Requires a kind; a blank actor counts as none. */
  public AuditTrigger {
    Objects.requireNonNull(kind, "kind");
    if (actor != null && actor.isBlank()) {
      actor = null;
    }
  }

  /** A trigger without a known actor. */
  public static AuditTrigger of(Kind kind) {
    return new AuditTrigger(kind, null);
  }

  /** A manual trigger by a person. */
  public static AuditTrigger manual(String actor) {
    return new AuditTrigger(Kind.MANUAL, actor);
  }
}
