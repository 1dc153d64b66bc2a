package dev.cairn.pipeline.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds trail entries for tests, one per call, at given times. */
final class TrailFixture {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  final List<TrailEntry> entries = new ArrayList<>();

  static String commit(char c) {
    return String.valueOf(c).repeat(40);
  }

  TrailFixture add(
      AuditEvent event, String env, char commit, Duration at, Duration committedBefore) {
    return add(event, env, commit, at, committedBefore, null, null);
  }

  TrailFixture add(
      AuditEvent event,
      String env,
      char commit,
      Duration at,
      Duration committedBefore,
      String rolledBackTo,
      String action) {
    Instant when = T0.plus(at);
    entries.add(
        new TrailEntry(
            "a".repeat(39) + entries.size() % 10,
            "id-" + entries.size(),
            event,
            when,
            env,
            commit(commit),
            "run-" + commit,
            event == AuditEvent.DEPLOYED ? "sha256:" + String.valueOf(commit).repeat(64) : null,
            null,
            rolledBackTo,
            null,
            null,
            action,
            committedBefore == null ? null : when.minus(committedBefore),
            event.wireName() + " " + commit));
    return this;
  }
}
