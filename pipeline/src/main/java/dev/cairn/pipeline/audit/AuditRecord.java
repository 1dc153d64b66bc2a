package dev.cairn.pipeline.audit;

import static dev.cairn.pipeline.audit.AuditFields.objectId;
import static dev.cairn.pipeline.audit.AuditFields.oneLine;
import static dev.cairn.pipeline.audit.AuditFields.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One entry of the audit trail: something that happened to one application commit, in one
 * environment (or in none, for builds). A common header (below) plus the {@link AuditDetails} of
 * its kind of event, which hold only what that event says.
 *
 * <p>The JSON form ({@link #toJson()}, {@link #fromJson(String)}) is versioned by {@link #SCHEMA};
 * every field is described in {@code docs/audit-trail.md}. Header and details are one flat JSON
 * object; optional fields are null here and absent in JSON.
 *
 * <p>Records must not carry secrets. Nothing here can tell a secret from other text, so the code
 * that builds a record passes only the fields below, never environment values, connection strings
 * or command lines.
 *
 * @param id the record's stable id (a time-ordered UUID, see {@link #newId(Clock)}); delivering a
 *     record twice is recognised by it
 * @param occurredAt when it happened (the end of the step for outcomes)
 * @param run the run's id, or null
 * @param trigger what caused it
 * @param commit the application commit, 40 (or 64) hex digits
 * @param tree the commit's tree id, or null
 * @param commitSubject the first line of the commit's message, or null
 * @param committedAt when the application commit was made (its committer time), or null; lead time
 *     for changes is measured from it
 * @param environment the environment, or null for events that belong to no environment (builds)
 * @param cairnVersion the version of Cairn that wrote the record
 * @param details what happened, and what that kind of event says about it
 */
public record AuditRecord(
    String id,
    Instant occurredAt,
    String run,
    AuditTrigger trigger,
    String commit,
    String tree,
    String commitSubject,
    Instant committedAt,
    String environment,
    String cairnVersion,
    AuditDetails details) {

  /** The schema identifier written into every record; readers reject other values. */
  public static final String SCHEMA = "cairn.audit/v1";

  private static final Pattern RECORD_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Checks the fields, so that a record can always be written as a file name, a trailer and a
   * one-line subject.
   *
   * @throws IllegalArgumentException naming the first bad field
   */
  public AuditRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(details, "event");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(cairnVersion, "cairnVersion");
    require(RECORD_ID.matcher(id).matches(), "id must be a lower-case UUID: " + id);
    objectId("commit", commit);
    objectId("tree", tree);
    if (environment != null) {
      require(NAME.matcher(environment).matches(), "environment is not a name: " + environment);
    }
    require(!cairnVersion.isBlank(), "cairnVersion must not be blank");
    if (trigger.actor() != null) {
      // The actor is shown in subjects and trailers: it must not forge a line either.
      trigger = new AuditTrigger(trigger.kind(), oneLine(trigger.actor()));
    }
    commitSubject = oneLine(commitSubject);
    run = oneLine(run);
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

  /** What happened: the kind of the details. */
  public AuditEvent event() {
    return details.event();
  }

  // ---- the details' fields by their wire names: null when this kind of event has no such field

  /** When the step began, or null. */
  public Instant startedAt() {
    return details instanceof AuditDetails.Timed t ? t.startedAt() : null;
  }

  /** How long the step took, or null. */
  public Duration duration() {
    return details instanceof AuditDetails.Timed t ? t.duration() : null;
  }

  /** The artifact digest ({@code sha256:<hex>}), or null. */
  public String artifact() {
    return details instanceof AuditDetails.WithArtifact a ? a.artifact() : null;
  }

  /** The commit the environment ran before, or null. */
  public String previousRelease() {
    return details instanceof AuditDetails.WithPreviousRelease p ? p.previousRelease() : null;
  }

  /** Why it failed, or null. */
  public AuditError error() {
    return details instanceof AuditDetails.WithError e ? e.error() : null;
  }

  /** For {@link AuditEvent#SUPERSEDED}: the commit deployed instead, or null. */
  public String supersededBy() {
    return details instanceof AuditDetails.Superseded s ? s.supersededBy() : null;
  }

  /** For a rollback (automatic or by hand): the commit running again, or null. */
  public String rolledBackTo() {
    return switch (details) {
      case AuditDetails.RolledBack r -> r.rolledBackTo();
      case AuditDetails.ManualAction m -> m.rolledBackTo();
      default -> null;
    };
  }

  /** For {@link AuditEvent#MANUAL_ACTION}: what the person did, e.g. {@code rollback}, or null. */
  public String action() {
    return details instanceof AuditDetails.ManualAction m ? m.action() : null;
  }

  /** For {@link AuditEvent#MANUAL_ACTION}: true when the person allowed an unmerged commit. */
  public boolean allowUnmerged() {
    return details instanceof AuditDetails.ManualAction m && m.allowUnmerged();
  }

  /** For {@link AuditEvent#RUN_STARTED}: {@code none} when the run is not sandboxed, or null. */
  public String isolation() {
    return details instanceof AuditDetails.RunStarted r ? r.isolation() : null;
  }

  /** For {@link AuditEvent#DEPLOYED}: the release tag delivery creates, or null. */
  public String releaseTag() {
    return details instanceof AuditDetails.Deployed d ? d.releaseTag() : null;
  }

  /** For {@link AuditEvent#RELEASE_RESTARTED}: its restarts within the window, or null. */
  public Integer restarts() {
    return details instanceof AuditDetails.ReleaseRestarted r ? r.restarts() : null;
  }

  /** For {@link AuditEvent#REVERTED}: the revert commit Cairn pushed, or null. */
  public String revertCommit() {
    return details instanceof AuditDetails.Reverted r ? r.revertCommit() : null;
  }

  /** For {@link AuditEvent#REVERTED}: the branch the revert commit went to, or null. */
  public String revertBranch() {
    return details instanceof AuditDetails.Reverted r ? r.revertBranch() : null;
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
        occurredAt,
        run,
        trigger,
        commit,
        tree,
        commitSubject,
        committedAt,
        environment,
        cairnVersion,
        details);
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
    return AuditSubject.of(this);
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
    return AuditRecordJson.write(this);
  }

  /** The record as indented JSON text ending with a newline: the content of its file. */
  public String toJson() {
    return AuditRecordJson.writeText(this);
  }

  /**
   * Reads a record written by {@link #toJson()}. Fields this version does not know are ignored, so
   * additive changes stay within {@code cairn.audit/v1}; so are fields its kind of event does not
   * carry.
   *
   * @throws IllegalArgumentException if the text is not JSON, has another schema, or a field is
   *     missing or invalid
   */
  public static AuditRecord fromJson(String text) {
    return AuditRecordJson.read(text);
  }

  /**
   * Reads a record from a parsed JSON object.
   *
   * @throws IllegalArgumentException as {@link #fromJson(String)}
   */
  public static AuditRecord fromJsonNode(JsonNode o) {
    return AuditRecordJson.read(o);
  }

  /** Builds an {@link AuditRecord}; {@code id} defaults to a new time-ordered id. */
  public static final class Builder {
    /** The detail fields each event carries, by their builder names. */
    private static final Map<AuditEvent, Set<String>> CARRIED = carried();

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
    private Integer restarts;
    private boolean allowUnmerged;
    private String isolation;

    private Builder() {}

    private static Map<AuditEvent, Set<String>> carried() {
      Map<AuditEvent, Set<String>> m = new EnumMap<>(AuditEvent.class);
      Set<String> timed = Set.of("startedAt", "duration");
      m.put(AuditEvent.RUN_STARTED, Set.of("isolation"));
      m.put(AuditEvent.BUILD_SUCCEEDED, union(timed, "artifact"));
      m.put(AuditEvent.BUILD_FAILED, union(timed, "error", "artifact"));
      m.put(AuditEvent.DEPLOYMENT_STARTED, Set.of("previousRelease", "artifact"));
      m.put(AuditEvent.DEPLOYED, union(timed, "previousRelease", "artifact", "releaseTag"));
      m.put(AuditEvent.DEPLOYMENT_FAILED, union(timed, "error", "previousRelease", "artifact"));
      m.put(AuditEvent.ROLLED_BACK, Set.of("rolledBackTo", "error", "artifact"));
      m.put(AuditEvent.SUPERSEDED, Set.of("supersededBy", "error", "artifact"));
      m.put(AuditEvent.MARKED_BAD, Set.of("error"));
      m.put(AuditEvent.SKIPPED_BAD, Set.of("error", "artifact"));
      m.put(AuditEvent.REVERTED, Set.of("revertCommit", "revertBranch"));
      m.put(AuditEvent.MANUAL_ACTION, Set.of("action", "rolledBackTo", "allowUnmerged"));
      m.put(AuditEvent.APPROVED, Set.of());
      m.put(AuditEvent.RELEASE_RESTARTED, Set.of("error", "artifact", "restarts"));
      return m;
    }

    private static Set<String> union(Set<String> base, String... more) {
      Set<String> s = new HashSet<>(base);
      s.addAll(List.of(more));
      return Set.copyOf(s);
    }

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

    /** For {@link AuditEvent#MANUAL_ACTION}: the person allowed a commit off the branch. */
    public Builder allowUnmerged(boolean allowUnmerged) {
      this.allowUnmerged = allowUnmerged;
      return this;
    }

    /** For {@link AuditEvent#RUN_STARTED}: {@code none} when the run is not sandboxed. */
    public Builder isolation(String isolation) {
      this.isolation = isolation;
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

    /** For {@link AuditEvent#RELEASE_RESTARTED}: the restarts within the window, this one too. */
    public Builder restarts(Integer restarts) {
      this.restarts = restarts;
      return this;
    }

    /** The version of Cairn writing the record. */
    public Builder cairnVersion(String cairnVersion) {
      this.cairnVersion = cairnVersion;
      return this;
    }

    /** The first line of the commit message exactly as a stored record has it. */
    Builder storedCommitSubject(String subject) {
      this.commitSubject = subject;
      return this;
    }

    /**
     * The record.
     *
     * @throws IllegalArgumentException or NullPointerException naming a missing or bad field, or a
     *     field the event does not carry (such as {@code releaseTag} on a {@code build-failed})
     */
    public AuditRecord build() {
      return build(true);
    }

    /**
     * The record; with {@code strict} false, fields its event does not carry are left out (how a
     * stored record is read: such fields are ignored like unknown ones).
     */
    AuditRecord build(boolean strict) {
      Objects.requireNonNull(event, "event");
      if (strict) {
        Set<String> carried = CARRIED.get(event);
        for (var field : flatDetails().entrySet()) {
          if (field.getValue() != null && !carried.contains(field.getKey())) {
            throw new IllegalArgumentException(
                field.getKey() + " is not a field of a " + event.wireName() + " record");
          }
        }
      }
      return new AuditRecord(
          id == null ? newId(Clock.systemUTC()) : id,
          occurredAt,
          run,
          trigger,
          commit,
          tree,
          commitSubject,
          committedAt,
          environment,
          cairnVersion,
          details());
    }

    private Map<String, Object> flatDetails() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("startedAt", startedAt);
      m.put("duration", duration);
      m.put("artifact", artifact);
      m.put("previousRelease", previousRelease);
      m.put("error", error);
      m.put("supersededBy", supersededBy);
      m.put("rolledBackTo", rolledBackTo);
      m.put("action", action);
      m.put("releaseTag", releaseTag);
      m.put("revertCommit", revertCommit);
      m.put("revertBranch", revertBranch);
      m.put("restarts", restarts);
      m.put("allowUnmerged", allowUnmerged ? Boolean.TRUE : null);
      m.put("isolation", isolation);
      return m;
    }

    private AuditDetails details() {
      return switch (event) {
        case RUN_STARTED -> new AuditDetails.RunStarted(isolation);
        case BUILD_SUCCEEDED -> new AuditDetails.BuildSucceeded(startedAt, duration, artifact);
        case BUILD_FAILED -> new AuditDetails.BuildFailed(startedAt, duration, error, artifact);
        case DEPLOYMENT_STARTED -> new AuditDetails.DeploymentStarted(previousRelease, artifact);
        case DEPLOYED ->
            new AuditDetails.Deployed(startedAt, duration, previousRelease, artifact, releaseTag);
        case DEPLOYMENT_FAILED ->
            new AuditDetails.DeploymentFailed(
                startedAt, duration, error, previousRelease, artifact);
        case ROLLED_BACK -> new AuditDetails.RolledBack(rolledBackTo, error, artifact);
        case SUPERSEDED -> new AuditDetails.Superseded(supersededBy, error, artifact);
        case MARKED_BAD -> new AuditDetails.MarkedBad(error);
        case SKIPPED_BAD -> new AuditDetails.SkippedBad(error, artifact);
        case REVERTED -> new AuditDetails.Reverted(revertCommit, revertBranch);
        case MANUAL_ACTION -> new AuditDetails.ManualAction(action, rolledBackTo, allowUnmerged);
        case APPROVED -> new AuditDetails.Approved();
        case RELEASE_RESTARTED -> new AuditDetails.ReleaseRestarted(error, artifact, restarts);
      };
    }
  }
}
