package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn history}: the audit trail as a deployment log, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the audit trail (cairn/audit) as a deployment log, newest first.",
      "--json prints one JSON array of the same entries (each record's trailer",
      "fields); cairn show prints a record in full."
    })
public final class HistoryCommand implements Callable<Integer> {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Mixin AuditSource source;

  @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
  String environment;

  @Option(
      names = "--commit",
      paramLabel = "COMMIT",
      description = "Only this application commit (an id or its first characters).")
  String commit;

  @Option(
      names = "--event",
      paramLabel = "EVENT",
      description = "Only this event, e.g. deployed, rolled-back.")
  String event;

  @Option(names = "--since", paramLabel = "WHEN", description = "Only records at or after WHEN.")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "Only records before WHEN.")
  String until;

  @Option(
      names = "--limit",
      defaultValue = "50",
      paramLabel = "N",
      description = "At most the newest N records; 0 for all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print a JSON array of entries, newest first.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 0) {
      throw new UserInputException("--limit must be 0 (all) or more");
    }
    if (commit != null && !commit.matches("[0-9a-fA-F]{4,64}")) {
      throw new UserInputException("--commit: '" + commit + "' is not a commit id (4+ hex digits)");
    }
    AuditEvent wanted = null;
    if (event != null) {
      wanted =
          AuditEvent.fromWireName(event)
              .orElseThrow(
                  () ->
                      new UserInputException(
                          "--event: unknown event '" + event + "'; one of " + eventNames()));
    }
    Instant now = Instant.now();
    AuditTrail.Query query =
        new AuditTrail.Query(
            environment,
            commit == null ? null : commit.toLowerCase(Locale.ROOT),
            wanted,
            since == null ? null : TimeArguments.parse("--since", since, now),
            until == null ? null : TimeArguments.parse("--until", until, now),
            limit);
    List<TrailEntry> entries;
    int idLength;
    try (AuditTrail trail = source.open()) {
      entries = new ArrayList<>(trail.query(query));
      idLength = uniquePrefixLength(entries, trail.entries());
    }
    Collections.reverse(entries);
    if (json) {
      ArrayNode array = Json.array();
      entries.forEach(e -> array.add(toJson(e)));
      System.out.println(Json.write(array));
      return ExitCodes.OK;
    }
    if (entries.isEmpty()) {
      System.out.println("no records match");
      return ExitCodes.OK;
    }
    System.out.printf(
        Locale.ROOT,
        "%-19s  %-12s  %-18s  %-7s  %-" + idLength + "s  %s%n",
        "WHEN (UTC)",
        "ENVIRONMENT",
        "EVENT",
        "COMMIT",
        "RECORD",
        "WHAT");
    for (TrailEntry e : entries) {
      System.out.printf(
          Locale.ROOT,
          "%-19s  %-12s  %-18s  %-7s  %-" + idLength + "s  %s%n",
          WHEN.format(e.occurredAt()),
          e.environment() == null ? "-" : e.environment(),
          e.event().wireName(),
          e.commit().substring(0, 7),
          e.id().substring(0, Math.min(idLength, e.id().length())),
          detail(e));
    }
    return ExitCodes.OK;
  }

  /** The shortest record id prefix shown, as git abbreviates commit ids. */
  static final int MIN_ID_PREFIX = 8;

  /**
   * How many characters of a record id {@code cairn show} needs to find each shown record and no
   * other: a prefix it takes must not begin another record's id or an audit commit's id (show
   * accepts both). Ids are time-ordered, so records of the same minute share their first 8.
   */
  static int uniquePrefixLength(List<TrailEntry> shown, List<TrailEntry> all) {
    List<String> keys = new ArrayList<>();
    for (TrailEntry e : all) {
      keys.add(e.id());
      keys.add(e.auditCommit());
    }
    Collections.sort(keys);
    int length = MIN_ID_PREFIX;
    for (TrailEntry e : shown) {
      int at = Collections.binarySearch(keys, e.id());
      int shared = 0;
      // Equal keys are this record itself; its sorted neighbours share the longest prefixes.
      for (int i = at - 1; i >= 0 && shared < e.id().length(); i--) {
        if (!keys.get(i).equals(e.id())) {
          shared = Math.max(shared, commonPrefix(keys.get(i), e.id()));
          break;
        }
      }
      for (int i = at + 1; i < keys.size() && shared < e.id().length(); i++) {
        if (!keys.get(i).equals(e.id())) {
          shared = Math.max(shared, commonPrefix(keys.get(i), e.id()));
          break;
        }
      }
      length = Math.max(length, Math.min(e.id().length(), shared + 1));
    }
    return length;
  }

  private static int commonPrefix(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    return n;
  }

  /** The subject without the environment prefix that the column already shows. */
  private static String detail(TrailEntry e) {
    String s = e.subject();
    return e.environment() != null && s.startsWith(e.environment() + ": ")
        ? s.substring(e.environment().length() + 2)
        : s;
  }

  /** A trail entry as {@code --json} prints it (and the dashboard shows it). */
  public static ObjectNode toJson(TrailEntry e) {
    ObjectNode o = Json.object();
    o.put("record", e.id());
    o.put("auditCommit", e.auditCommit());
    o.put("event", e.event().wireName());
    o.put("occurredAt", e.occurredAt().toString());
    putIf(o, "environment", e.environment());
    o.put("commit", e.commit());
    putIf(o, "run", e.run());
    putIf(o, "artifact", e.artifact());
    putIf(o, "error", e.error());
    putIf(o, "rolledBackTo", e.rolledBackTo());
    putIf(o, "supersededBy", e.supersededBy());
    putIf(o, "actor", e.actor());
    putIf(o, "action", e.action());
    putIf(o, "committedAt", e.committedAt() == null ? null : e.committedAt().toString());
    o.put("subject", e.subject());
    return o;
  }

  private static void putIf(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static String eventNames() {
    StringBuilder out = new StringBuilder();
    for (AuditEvent e : AuditEvent.values()) {
      out.append(out.isEmpty() ? "" : ", ").append(e.wireName());
    }
    return out.toString();
  }
}
