package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.port.AuditLog;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.secret.Masker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Turns what a run did into audit records: one record per event, with the run's commit, tree,
 * subject and trigger, Cairn's version, and ids derived from the run, the event and the environment
 * so that a step Cairn re-runs after a crash appends the same record again, which the log ignores.
 *
 * <p>Error causes are cut to one short line and every secret the secret store holds is replaced by
 * {@code ***} before a record is built: records, commit messages and notes are public to everyone
 * who can read the repository.
 */
public final class AuditRecorder {
  /**
   * The longest error cause kept in a record: enough for the problems of a pipeline file, short
   * enough for a commit message.
   */
  static final int MAX_CAUSE = 1000;

  /** The trigger of what Cairn's own policy does: rollbacks, superseding, skipping. */
  static final AuditTrigger AUTOMATIC = AuditTrigger.of(AuditTrigger.Kind.AUTOMATIC);

  private final AuditLog log;
  private final String cairnVersion;
  private final SecretStore secrets;
  private final PipelineListener listener;
  private final Clock clock;

  /**
   * @param log where records go, or null to record nothing
   * @param cairnVersion the version written into every record
   * @param secrets the secrets to keep out of records
   * @param listener told when a record cannot be stored
   * @param clock the time of events
   */
  AuditRecorder(
      AuditLog log,
      String cairnVersion,
      SecretStore secrets,
      PipelineListener listener,
      Clock clock) {
    this.log = log;
    this.cairnVersion =
        cairnVersion == null || cairnVersion.isBlank() ? "development" : cairnVersion;
    this.secrets = secrets;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * The facts of a run every record carries.
   *
   * @param id the run id
   * @param commit the application commit
   * @param tree its tree, or null
   * @param subject its subject line, or null
   * @param trigger what started the run
   * @param submittedAt when the run was submitted (the time part of its records' ids)
   */
  record Run(
      String id,
      String commit,
      String tree,
      String subject,
      AuditTrigger trigger,
      Instant submittedAt) {

    /** The facts of a run every record carries. */
    static Run of(RunFacts run) {
      AuditTrigger trigger =
          new AuditTrigger(
              AuditTrigger.Kind.fromWireName(run.trigger().wireName())
                  .orElse(AuditTrigger.Kind.PUSH),
              run.actor());
      return new Run(run.id(), run.commit(), run.tree(), run.message(), trigger, run.submittedAt());
    }

    /** The same run's facts about another commit (a manual rollback's records). */
    Run about(String otherCommit) {
      return new Run(id, otherCommit, null, null, trigger, submittedAt);
    }
  }

  /** True when records are written at all. */
  boolean enabled() {
    return log != null;
  }

  /**
   * Appends the record of one event of a run. The id depends only on the run, the event, the
   * environment and {@code discriminator}, so recording the same event twice (a step re-run after a
   * crash) keeps one record. Failures to store it are reported to the listener, never thrown: the
   * deployment itself must not fail because its record could not be written.
   *
   * @param event what happened
   * @param run the run
   * @param environment the environment, or null
   * @param trigger the trigger, or null for the run's own
   * @param discriminator distinguishes events of the same kind in one run (or null)
   * @param details fills in the event's own fields
   */
  void record(
      AuditEvent event,
      Run run,
      String environment,
      AuditTrigger trigger,
      String discriminator,
      UnaryOperator<AuditRecord.Builder> details) {
    append(
        run.id(),
        event,
        environment,
        () ->
            details.apply(
                AuditRecord.builder()
                    .id(recordId(run.id(), run.submittedAt(), event, environment, discriminator))
                    .event(event)
                    .occurredAt(clock.instant())
                    .run(run.id())
                    .trigger(trigger != null ? trigger : run.trigger())
                    .commit(run.commit())
                    .tree(run.tree())
                    .commitSubject(run.subject())
                    .environment(environment)
                    .cairnVersion(cairnVersion)));
  }

  /**
   * Appends the record of an event that belongs to no run (supervision restarting a live release):
   * a new time-ordered id, Cairn's own trigger. Failures are reported to the listener, never
   * thrown.
   *
   * @param about the run that deployed the commit: its commit, tree and subject go in the record
   */
  void recordOutsideRun(
      AuditEvent event, Run about, String environment, UnaryOperator<AuditRecord.Builder> details) {
    append(
        "-",
        event,
        environment,
        () ->
            details.apply(
                AuditRecord.builder()
                    .id(AuditRecord.newId(clock))
                    .event(event)
                    .occurredAt(clock.instant())
                    .trigger(AUTOMATIC)
                    .commit(about.commit())
                    .tree(about.tree())
                    .commitSubject(about.subject())
                    .environment(environment)
                    .cairnVersion(cairnVersion)));
  }

  /**
   * Appends the record; a failure is reported to the listener (for run {@code run}), not thrown.
   */
  private void append(
      String run,
      AuditEvent event,
      String environment,
      java.util.function.Supplier<AuditRecord.Builder> record) {
    if (log == null) {
      return;
    }
    try {
      log.append(record.get().build());
    } catch (Exception e) {
      listener.event(
          new RunEvent(
              run,
              RunEvent.Kind.AUDIT_FAILED,
              environment,
              "the "
                  + event.wireName()
                  + " record could not be stored: "
                  + redact(e.getMessage())));
    }
  }

  /** The time from {@code start} to now, or null when the start is unknown. */
  Duration since(Instant start) {
    if (start == null) {
      return null;
    }
    Duration d = Duration.between(start, clock.instant());
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * A record's error from the engine's error name and cause: the cause made one line (its lines
   * separated by {@code ; }) of at most {@value #MAX_CAUSE} characters, with every secret replaced
   * by {@code ***}.
   */
  AuditError error(String name, String cause) {
    String n = name == null || name.isBlank() ? "States.TaskFailed" : name;
    if (cause == null || cause.isBlank()) {
      return new AuditError(n, null);
    }
    // Lines become "; ": the problems of a pipeline file (one per line) stay told apart.
    String oneLine = redact(cause).strip().replaceAll("\\s*\\R\\s*", "; ").replaceAll("\\s+", " ");
    if (oneLine.length() > MAX_CAUSE) {
      oneLine = oneLine.substring(0, MAX_CAUSE - 1) + "…";
    }
    return new AuditError(n, oneLine);
  }

  /** The error of an engine error object ({@code {"Error": ..., "Cause": ...}}), or null. */
  AuditError error(JsonNode engineError) {
    if (engineError == null || !engineError.isObject() || !engineError.has("Error")) {
      return null;
    }
    return error(engineError.path("Error").asText(), engineError.path("Cause").asText(null));
  }

  /** Text with every secret the store holds, and its encodings, replaced by {@code ***}. */
  String redact(String text) {
    if (text == null) {
      return "";
    }
    Set<String> values = new HashSet<>();
    try {
      values.addAll(secrets.values());
    } catch (RuntimeException e) {
      // Without the secrets, nothing free-form may be kept.
      return "(details withheld: the secret store could not be read)";
    }
    return new Masker(values).maskText(text);
  }

  /**
   * The id of an event's record: a version 8 UUID laid out like a version 7 one (the run's
   * submission time in milliseconds, then a hash of the run, the event, the environment and the
   * discriminator), so ids still sort by time and the same event of the same run always gets the
   * same id.
   */
  static String recordId(
      String runId, Instant submittedAt, AuditEvent event, String environment, String extra) {
    byte[] hash;
    try {
      hash =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  String.join(
                          "\n",
                          runId,
                          event.wireName(),
                          environment == null ? "" : environment,
                          extra == null ? "" : extra)
                      .getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    long millis = submittedAt == null ? 0 : submittedAt.toEpochMilli();
    long high = (millis << 16) | 0x8000L | (((hash[0] & 0x0fL) << 8) | (hash[1] & 0xffL));
    long low = (ByteBuffer.wrap(hash, 2, 8).getLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(high, low).toString().toLowerCase(Locale.ROOT);
  }

  static Instant instant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
