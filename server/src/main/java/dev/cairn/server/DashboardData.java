package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the dashboard shows, read from the runtime that serves it (locally: the run and environment
 * stores, the engine's executions, the job logs and the audit trail). Every method is a read; the
 * dashboard's actions go through {@link CairnServer.Actions}, like the API's.
 */
public interface DashboardData {
  /**
   * The environments in promotion order: each an object with {@code name} and, where known, {@code
   * liveCommit}, {@code since} (an instant), {@code lastGood}, {@code bad} (an array of commits)
   * and {@code deploying} (a run id).
   */
  JsonNode environments();

  /** The runs, newest first, shaped like {@code GET /api/runs}. */
  JsonNode runs();

  /**
   * One run, or empty when there is none with this id.
   *
   * @param runId a run id as {@link #runs()} names it (already checked to be a plain name)
   */
  Optional<RunDetail> run(String runId);

  /**
   * The run's log files (build, migrations, release), in the order they are shown; the ones that do
   * not exist yet may be left out. Their text is already masked.
   */
  List<Path> logFiles(String runId);

  /**
   * The own output (stdout and stderr) of the releases the run started, as their processes write
   * it: not masked, so the page shows it only a whole line at a time through {@link #mask}. Empty
   * where releases are not local processes.
   *
   * @return the output files by environment, in promotion order
   */
  Map<String, Path> releaseOutputs(String runId);

  /** {@code lines} (whole lines of a release's output) with every secret in them masked. */
  String mask(String lines);

  /**
   * The audit trail, newest first: objects with {@code record}, {@code event}, {@code occurredAt},
   * {@code commit} and, where set, {@code environment}, {@code run}, {@code actor}, {@code error},
   * {@code subject}.
   *
   * @param filter what to keep
   */
  JsonNode history(HistoryFilter filter);

  /**
   * The four DORA measures from the audit trail: {@code days} (the last days' dates, oldest first),
   * and {@code environments}, each with {@code name}, per-day arrays {@code deployments}, {@code
   * failureRate} (percent, null without a change), {@code leadTimeMinutes} and {@code
   * restoreMinutes} (medians, null without a sample), and {@code summary} over the last 30 days
   * ({@code deployments}, {@code perDay}, {@code leadTimeMinutes}, {@code failureRate}, {@code
   * restoreMinutes}, {@code openFailures}).
   */
  JsonNode dora();

  /** A web page that shows {@code commit} (e.g. on the git host), or empty. */
  Optional<String> commitUrl(String commit);

  /**
   * One run as its page shows it.
   *
   * @param run the run, shaped like one element of {@link #runs()}
   * @param definition the state machine it executes (Amazon States Language JSON)
   * @param events the states it entered and left so far, oldest first
   */
  record RunDetail(JsonNode run, String definition, List<StateEvent> events) {
    /** Copies. */
    public RunDetail {
      events = List.copyOf(events);
    }

    /** Whether the run has ended (its status is no longer {@code RUNNING}). */
    public boolean ended() {
      return !run.path("status").asText("RUNNING").equals("RUNNING");
    }
  }

  /**
   * A state entered or left.
   *
   * @param state the state's name
   * @param entered true when it was entered, false when it was left
   * @param at when
   */
  record StateEvent(String state, boolean entered, Instant at) {}

  /**
   * What the history page asks for; null fields do not filter.
   *
   * @param environment only this environment
   * @param event only this event (its wire name, e.g. {@code deployed})
   * @param commit only commits starting with this
   * @param limit at most this many entries, newest first
   */
  record HistoryFilter(String environment, String event, String commit, int limit) {}
}
