package dev.cairn.pipeline.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One entry of the audit trail: something that happened to one application commit, in one
 * environment (or in none, for builds).
 *
 * <p>The JSON form ({@link #toJson()}, {@link #fromJson(String)}) is versioned by {@link #SCHEMA};
 * every field is described in {@code docs/audit-trail.md}. Optional fields are null here and absent
 * in JSON.
 *
 * <p>Records must not carry secrets. Nothing here can tell a secret from other text, so the code
 * that builds a record passes only the fields below, never environment values, connection strings
 * or command lines.
 *
 * @param id the record's stable id (a time-ordered UUID, see {@link #newId(Clock)}); delivering a
 *     record twice is recognised by it
 * @param event what happened
 * @param occurredAt when it happened (the end of the step for outcomes)
 * @param startedAt when the step began, or null
 * @param duration how long the step took, or null
 * @param run the run's id, or null
 * @param trigger what caused it
 * @param commit the application commit, 40 (or 64) hex digits
 * @param tree the commit's tree id, or null
 * @param commitSubject the first line of the commit's message, or null
 * @param environment the environment, or null for events that belong to no environment (builds)
 * @param artifact the artifact digest ({@code sha256:<hex>}), or null
 * @param previousRelease the commit the environment ran before, or null
 * @param error why it failed, or null
 * @param supersededBy for {@link AuditEvent#SUPERSEDED}: the commit deployed instead, or null
 * @param rolledBackTo for {@link AuditEvent#ROLLED_BACK}: the commit now running again, or null
 * @param action for {@link AuditEvent#MANUAL_ACTION}: what the person did, e.g. {@code rollback}
 * @param releaseTag for {@link AuditEvent#DEPLOYED}: the tag created for the release, e.g. {@code
 *     cairn/production/20261126-045637} (delivery creates it on the application commit), or null
 * @param revertCommit for {@link AuditEvent#REVERTED}: the revert commit Cairn pushed, or null
 * @param revertBranch for {@link AuditEvent#REVERTED}: the branch it was pushed to, or null
 * @param cairnVersion the version of Cairn that wrote the record
 * @param committedAt when the application commit was made (its committer time), or null; lead time
 *     for changes is measured from it
 */
public record AuditRecord(
    String id,
    AuditEvent event,
    Instant occurredAt,
    Instant startedAt,
    Duration duration,
    String run,
    AuditTrigger trigger,
    String commit,
    String tree,
    String commitSubject,
    String environment,
    String artifact,
    String previousRelease,
    AuditError error,
    String supersededBy,
    String rolledBackTo,
    String action,
    String releaseTag,
    String revertCommit,
    String revertBranch,
    String cairnVersion,
    Instant committedAt) {

  /** The schema identifier written into every record; readers reject other values. */
  public static final String SCHEMA = "cairn.audit/v1";

  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern RECORD_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  /** A ref name below {@code refs/tags/} or {@code refs/heads/}: safe slash-separated parts. */
  private static final Pattern REF_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}(/[A-Za-z0-9][A-Za-z0-9._-]{0,62}){0,4}");

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Checks the fields, so that a record can always be written as a file name, a trailer and a
   * one-line subject.
   *
   * @throws IllegalArgumentException naming the first bad field
   */
  public AuditRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(cairnVersion, "cairnVersion");
    require(RECORD_ID.matcher(id).matches(), "id must be a lower-case UUID: " + id);
    requireObjectId("commit", commit);
    if (tree != null) {
      requireObjectId("tree", tree);
    }
    if (previousRelease != null) {
      requireObjectId("previousRelease", previousRelease);
    }
    if (supersededBy != null) {
      requireObjectId("supersededBy", supersededBy);
    }
    if (rolledBackTo != null) {
      requireObjectId("rolledBackTo", rolledBackTo);
    }
    if (environment != null) {
      require(NAME.matcher(environment).matches(), "environment is not a name: " + environment);
    }
    if (releaseTag != null) {
      requireRefName("releaseTag", releaseTag);
    }
    if (revertCommit != null) {
      requireObjectId("revertCommit", revertCommit);
    }
    if (revertBranch != null) {
      requireRefName("revertBranch", revertBranch);
    }
    if (duration != null) {
      require(!duration.isNegative(), "duration must not be negative");
    }
    require(!cairnVersion.isBlank(), "cairnVersion must not be blank");
    if (trigger.actor() != null) {
      // The actor is shown in subjects and trailers: it must not forge a line either.
      trigger = new AuditTrigger(trigger.kind(), oneLine(trigger.actor()));
    }
    commitSubject = oneLine(commitSubject);
    action = oneLine(action);
    run = oneLine(run);
    artifact = oneLine(artifact);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A new record id: a version 7 UUID, so ids sort by creation time and two Cairn processes never
   * produce the same one.
   */
  public static String newId(Clock clock) {
    long millis = clock.millis();
    long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0fffL);
    long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /**
   * The file that holds this record on the audit branch: {@code records/<yyyy>/<mm>/<id>.json}, by
   * the UTC month of {@link #occurredAt()}.
   */
  public String path() {
    var utc = occurredAt.atOffset(java.time.ZoneOffset.UTC);
    return String.format(
        Locale.ROOT, "records/%04d/%02d/%s.json", utc.getYear(), utc.getMonthValue(), id);
  }

  /** This record with the application commit's time set (an adapter that knows it fills it in). */
  public AuditRecord withCommittedAt(Instant committedAt) {
    return new AuditRecord(
        id,
        event,
        occurredAt,
        startedAt,
        duration,
        run,
        trigger,
        commit,
        tree,
        commitSubject,
        environment,
        artifact,
        previousRelease,
        error,
        supersededBy,
        rolledBackTo,
        action,
        releaseTag,
        revertCommit,
        revertBranch,
        cairnVersion,
        committedAt);
  }

  /** The commit's abbreviated id, as people read it. */
  public String shortCommit() {
    return commit.substring(0, 7);
  }

  /**
   * A one-line summary for people, e.g. {@code production: deployed 3f2a91c (notes: add search) in
   * 4.2s}. It contains only this record's fields.
   */
  public String subject() {
    String what = shortCommit() + (commitSubject == null ? "" : " (" + commitSubject + ")");
    String in = duration == null ? "" : " in " + formatDuration(duration);
    String after = duration == null ? "" : " after " + formatDuration(duration);
    String why = error == null ? "" : ": " + error.name();
    String by = trigger.actor() == null ? "" : " by " + trigger.actor();
    String text =
        switch (event) {
          case RUN_STARTED -> "run started for " + what + by;
          case BUILD_SUCCEEDED -> "built " + what + in;
          case BUILD_FAILED -> "build of " + what + " failed" + after + why;
          case DEPLOYMENT_STARTED -> "deploying " + what + by;
          case DEPLOYED -> "deployed " + what + in;
          case DEPLOYMENT_FAILED -> "deployment of " + what + " failed" + after + why;
          case ROLLED_BACK ->
              "rolled back "
                  + what
                  + (rolledBackTo == null ? "" : " to " + rolledBackTo.substring(0, 7))
                  + why;
          case SUPERSEDED ->
              "skipped "
                  + what
                  + (supersededBy == null ? "" : ", superseded by " + supersededBy.substring(0, 7));
          case MARKED_BAD -> "marked " + what + " bad" + by + why;
          case SKIPPED_BAD -> "skipped " + what + ", marked bad";
          case REVERTED ->
              "reverted "
                  + what
                  + (revertBranch == null ? "" : " on " + revertBranch)
                  + (revertCommit == null ? "" : " as " + revertCommit.substring(0, 7));
          case MANUAL_ACTION -> (action == null ? "manual action" : action) + " " + what + by;
          case APPROVED -> "approved " + what + by;
        };
    return environment == null ? text : environment + ": " + text;
  }

  /** Formats a duration as people read it: {@code 850ms}, {@code 4.2s}, {@code 3m07s}. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  /** The record as a JSON object, fields in a fixed order, optional ones only when present. */
  public ObjectNode toJsonNode() {
    ObjectNode o = Json.object();
    o.put("schema", SCHEMA);
    o.put("id", id);
    o.put("event", event.wireName());
    o.put("occurredAt", occurredAt.toString());
    putIf(o, "startedAt", startedAt == null ? null : startedAt.toString());
    if (duration != null) {
      o.put("durationMillis", duration.toMillis());
    }
    putIf(o, "run", run);
    ObjectNode t = o.putObject("trigger");
    t.put("kind", trigger.kind().wireName());
    putIf(t, "actor", trigger.actor());
    o.put("commit", commit);
    putIf(o, "tree", tree);
    putIf(o, "commitSubject", commitSubject);
    putIf(o, "committedAt", committedAt == null ? null : committedAt.toString());
    putIf(o, "environment", environment);
    putIf(o, "artifact", artifact);
    putIf(o, "previousRelease", previousRelease);
    if (error != null) {
      ObjectNode e = o.putObject("error");
      e.put("name", error.name());
      putIf(e, "cause", error.cause());
    }
    putIf(o, "supersededBy", supersededBy);
    putIf(o, "rolledBackTo", rolledBackTo);
    putIf(o, "action", action);
    putIf(o, "releaseTag", releaseTag);
    putIf(o, "revertCommit", revertCommit);
    putIf(o, "revertBranch", revertBranch);
    o.put("cairnVersion", cairnVersion);
    return o;
  }

  /** The record as indented JSON text ending with a newline: the content of its file. */
  public String toJson() {
    return Json.writePretty(toJsonNode()) + "\n";
  }

  /**
   * Reads a record written by {@link #toJson()}. Fields this version does not know are ignored, so
   * additive changes stay within {@code cairn.audit/v1}.
   *
   * @throws IllegalArgumentException if the text is not JSON, has another schema, or a field is
   *     missing or invalid
   */
  public static AuditRecord fromJson(String text) {
    return fromJsonNode(Json.parse(text));
  }

  /**
   * Reads a record from a parsed JSON object.
   *
   * @throws IllegalArgumentException as {@link #fromJson(String)}
   */
  public static AuditRecord fromJsonNode(JsonNode o) {
    require(o.isObject(), "an audit record is a JSON object");
    String schema = text(o, "schema");
    require(SCHEMA.equals(schema), "unsupported audit record schema: " + schema);
    JsonNode t = o.path("trigger");
    require(t.isObject(), "trigger is missing");
    String kind = text(t, "kind");
    AuditTrigger trigger =
        new AuditTrigger(
            AuditTrigger.Kind.fromWireName(kind)
                .orElseThrow(() -> new IllegalArgumentException("unknown trigger kind: " + kind)),
            text(t, "actor"));
    String event = text(o, "event");
    JsonNode e = o.path("error");
    JsonNode duration = o.path("durationMillis");
    require(
        duration.isMissingNode() || duration.canConvertToLong(), "durationMillis: not a number");
    try {
      return new AuditRecord(
          text(o, "id"),
          AuditEvent.fromWireName(event)
              .orElseThrow(() -> new IllegalArgumentException("unknown event: " + event)),
          instant(o, "occurredAt"),
          instant(o, "startedAt"),
          duration.isMissingNode() ? null : Duration.ofMillis(duration.asLong()),
          text(o, "run"),
          trigger,
          text(o, "commit"),
          text(o, "tree"),
          text(o, "commitSubject"),
          text(o, "environment"),
          text(o, "artifact"),
          text(o, "previousRelease"),
          e.isObject() ? new AuditError(text(e, "name"), text(e, "cause")) : null,
          text(o, "supersededBy"),
          text(o, "rolledBackTo"),
          text(o, "action"),
          text(o, "releaseTag"),
          text(o, "revertCommit"),
          text(o, "revertBranch"),
          text(o, "cairnVersion"),
          instant(o, "committedAt"));
    } catch (NullPointerException missing) {
      throw new IllegalArgumentException("audit record field missing: " + missing.getMessage());
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    require(v.isTextual(), field + ": expected a string");
    return v.asText();
  }

  private static Instant instant(JsonNode o, String field) {
    String v = text(o, field);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException(field + ": not an ISO-8601 instant: " + v);
    }
  }

  private static void putIf(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static void requireObjectId(String field, String value) {
    require(OBJECT_ID.matcher(value).matches(), field + " must be a full lower-case object id");
  }

  private static void requireRefName(String field, String value) {
    require(
        REF_NAME.matcher(value).matches() && !value.contains("..") && !value.endsWith(".lock"),
        field + " is not a safe ref name: " + value);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Subjects, trailers and file names are single lines; a stray newline must not forge a trailer.
   */
  private static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    String line = s.strip().replaceAll("[\\r\\n\\t\\x00-\\x1f\\x7f]+", " ");
    return line.isEmpty() ? null : line;
  }

  /** Builds an {@link AuditRecord}; {@code id} defaults to a new time-ordered id. */
  public static final class Builder {
    private String id;
    private AuditEvent event;
    private Instant occurredAt;
    private Instant startedAt;
    private Duration duration;
    private String run;
    private AuditTrigger trigger = AuditTrigger.of(AuditTrigger.Kind.AUTOMATIC);
    private String commit;
    private String tree;
    private String commitSubject;
    private String environment;
    private String artifact;
    private String previousRelease;
    private AuditError error;
    private String supersededBy;
    private String rolledBackTo;
    private String action;
    private String releaseTag;
    private String revertCommit;
    private String revertBranch;
    private String cairnVersion;
    private Instant committedAt;

    private Builder() {}

    /** The record id; by default a new one from the system clock. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** What happened. */
    public Builder event(AuditEvent event) {
      this.event = event;
      return this;
    }

    /** When it happened. */
    public Builder occurredAt(Instant occurredAt) {
      this.occurredAt = occurredAt;
      return this;
    }

    /** When the step began. */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /** How long the step took. */
    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /** The run's id. */
    public Builder run(String run) {
      this.run = run;
      return this;
    }

    /** What caused it; by default Cairn itself ({@code automatic}). */
    public Builder trigger(AuditTrigger trigger) {
      this.trigger = trigger;
      return this;
    }

    /** The application commit. */
    public Builder commit(String commit) {
      this.commit = commit;
      return this;
    }

    /** The commit's tree. */
    public Builder tree(String tree) {
      this.tree = tree;
      return this;
    }

    /** The first line of the commit message (later lines are dropped). */
    public Builder commitSubject(String message) {
      this.commitSubject = message == null ? null : message.strip().lines().findFirst().orElse("");
      return this;
    }

    /** The environment. */
    public Builder environment(String environment) {
      this.environment = environment;
      return this;
    }

    /** The artifact digest. */
    public Builder artifact(String artifact) {
      this.artifact = artifact;
      return this;
    }

    /** The commit the environment ran before. */
    public Builder previousRelease(String previousRelease) {
      this.previousRelease = previousRelease;
      return this;
    }

    /** Why it failed. */
    public Builder error(AuditError error) {
      this.error = error;
      return this;
    }

    /** The commit deployed instead of this one. */
    public Builder supersededBy(String supersededBy) {
      this.supersededBy = supersededBy;
      return this;
    }

    /** The commit running again after a rollback. */
    public Builder rolledBackTo(String rolledBackTo) {
      this.rolledBackTo = rolledBackTo;
      return this;
    }

    /** What a person did by hand. */
    public Builder action(String action) {
      this.action = action;
      return this;
    }

    /** When the application commit was made (its committer time): lead time starts there. */
    public Builder committedAt(Instant committedAt) {
      this.committedAt = committedAt;
      return this;
    }

    /** For {@link AuditEvent#DEPLOYED}: the release tag delivery creates. */
    public Builder releaseTag(String releaseTag) {
      this.releaseTag = releaseTag;
      return this;
    }

    /** For {@link AuditEvent#REVERTED}: the revert commit. */
    public Builder revertCommit(String revertCommit) {
      this.revertCommit = revertCommit;
      return this;
    }

    /** For {@link AuditEvent#REVERTED}: the branch the revert commit went to. */
    public Builder revertBranch(String revertBranch) {
      this.revertBranch = revertBranch;
      return this;
    }

    /** The version of Cairn writing the record. */
    public Builder cairnVersion(String cairnVersion) {
      this.cairnVersion = cairnVersion;
      return this;
    }

    /**
     * The record.
     *
     * @throws IllegalArgumentException or NullPointerException naming a missing or bad field
     */
    public AuditRecord build() {
      return new AuditRecord(
          id == null ? newId(Clock.systemUTC()) : id,
          event,
          occurredAt,
          startedAt,
          duration,
          run,
          trigger,
          commit,
          tree,
          commitSubject,
          environment,
          artifact,
          previousRelease,
          error,
          supersededBy,
          rolledBackTo,
          action,
          releaseTag,
          revertCommit,
          revertBranch,
          cairnVersion,
          committedAt);
    }
  }
}
