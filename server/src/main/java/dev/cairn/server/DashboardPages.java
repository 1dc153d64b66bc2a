package dev.cairn.server;

import static dev.cairn.server.Html.csrfField;
import static dev.cairn.server.Html.esc;
import static dev.cairn.server.Html.shortId;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * The dashboard's pages, rendered on the server from {@link DashboardData}: the environments in
 * promotion order with their deploy and rollback buttons, the runs, one run with its state graph
 * and logs, and the audit history. Live parts (a run's graph and logs) are filled in by {@code
 * dashboard.js} from {@link RunEvents}.
 */
final class DashboardPages {
  private final DashboardData data;

  DashboardPages(DashboardData data) {
    this.data = data;
  }

  /** The login page; {@code problem} is shown above the form when not null. */
  static String login(String problem) {
    String body =
        "<section class=\"login\"><h1>Log in to Cairn</h1>"
            + (problem == null
                ? ""
                : "<p class=\"problem\" id=\"problem\">" + esc(problem) + "</p>")
            + "<p>Paste Cairn's API token: <code>cat $CAIRN_HOME/credentials/cairn-api-token</code>"
            + " (<code>~/.cairn</code> by default).</p>"
            + "<form method=\"post\" action=\"/login\" id=\"login\">"
            + "<label>API token <input type=\"password\" name=\"token\" autocomplete=\"off\""
            + " required autofocus></label>"
            + "<button type=\"submit\">Log in</button></form></section>";
    return Html.page("Log in", null, body);
  }

  /** The environments in promotion order, and the newest runs. */
  String overview(String csrf) {
    StringBuilder body = new StringBuilder("<h1>Environments</h1>");
    JsonNode environments = data.environments();
    if (environments.isEmpty()) {
      body.append("<p>No environment yet: the first commit's run creates them.</p>");
    }
    body.append("<div class=\"environments\">");
    for (JsonNode environment : environments) {
      body.append(environment(environment, csrf));
    }
    body.append("</div><h2>Recent runs</h2>").append(runTable(data.runs(), 10));
    body.append("<p><a href=\"/runs\">All runs</a></p>");
    return Html.page("Environments", csrf, body.toString(), "dashboard.js");
  }

  private String environment(JsonNode environment, String csrf) {
    String name = environment.path("name").asText();
    StringBuilder out = new StringBuilder();
    out.append("<section class=\"environment\" id=\"env-")
        .append(esc(name))
        .append("\" data-environment=\"")
        .append(esc(name))
        .append("\"><h3>")
        .append(esc(name))
        .append("</h3><dl>");
    out.append("<dt>Serving</dt><dd class=\"serving\" data-commit=\"")
        .append(esc(environment.path("liveCommit").asText("")))
        .append("\">")
        .append(commitOrNone(environment.path("liveCommit").asText(null), "nothing"))
        .append("</dd>");
    out.append("<dt>Since</dt><dd class=\"since\">")
        .append(esc(Html.when(environment.path("since").asText(null))))
        .append("</dd>");
    out.append("<dt>Last good</dt><dd class=\"last-good\">")
        .append(commitOrNone(environment.path("lastGood").asText(null), "none"))
        .append("</dd>");
    out.append("<dt>Bad commits</dt><dd class=\"bad\">");
    if (environment.path("bad").isEmpty()) {
      out.append("none");
    }
    for (JsonNode bad : environment.path("bad")) {
      out.append(commit(bad.asText())).append(' ');
    }
    out.append("</dd><dt>Deploying</dt><dd class=\"deploying\">");
    String deploying = environment.path("deploying").asText(null);
    out.append(deploying == null ? "nothing" : runLink(deploying)).append("</dd></dl>");
    out.append("<form method=\"post\" action=\"/ui/deploy\" class=\"deploy\" data-confirm=\"Deploy")
        .append(" this commit to ")
        .append(esc(name))
        .append("?\">")
        .append(csrfField(csrf))
        .append("<input type=\"hidden\" name=\"environment\" value=\"")
        .append(esc(name))
        .append("\"><input name=\"commit\" placeholder=\"commit id\" required size=\"12\">")
        .append("<button type=\"submit\">Deploy</button></form>");
    out.append("<form method=\"post\" action=\"/ui/rollback\" class=\"rollback\"")
        .append(" data-confirm=\"Roll ")
        .append(esc(name))
        .append(" back to its previous good release? The commit it runs is marked bad.\">")
        .append(csrfField(csrf))
        .append("<input type=\"hidden\" name=\"environment\" value=\"")
        .append(esc(name))
        .append("\"><button type=\"submit\">Roll back</button></form>");
    return out.append("</section>").toString();
  }

  /** All runs. */
  String runs(String csrf) {
    return Html.page(
        "Runs", csrf, "<h1>Runs</h1>" + runTable(data.runs(), Integer.MAX_VALUE), "dashboard.js");
  }

  private String runTable(JsonNode runs, int limit) {
    if (runs.isEmpty()) {
      return "<p>No run yet.</p>";
    }
    StringBuilder out =
        new StringBuilder(
            "<table class=\"runs\"><thead><tr><th>Run</th><th>Commit</th><th>Status</th>"
                + "<th>Outcome</th><th>Message</th><th>Started</th></tr></thead><tbody>");
    int shown = 0;
    for (JsonNode run : runs) {
      if (shown++ >= limit) {
        break;
      }
      String status = run.path("status").asText();
      out.append("<tr data-run=\"")
          .append(esc(run.path("id").asText()))
          .append("\"><td>")
          .append(runLink(run.path("id").asText()))
          .append("</td><td>")
          .append(commit(run.path("commit").asText()))
          .append("</td><td class=\"status ")
          .append(esc(status.toLowerCase(java.util.Locale.ROOT)))
          .append("\">")
          .append(esc(status))
          .append("</td><td>")
          .append(esc(outcome(run)))
          .append("</td><td>")
          .append(esc(run.path("message").asText()))
          .append("</td><td>")
          .append(esc(Html.when(run.path("startedAt").asText())))
          .append("</td></tr>");
    }
    return out.append("</tbody></table>").toString();
  }

  /** One run: its facts, its state graph and its logs (both filled in live). */
  String run(String csrf, DashboardData.RunDetail detail) {
    JsonNode run = detail.run();
    String id = run.path("id").asText();
    StringBuilder body = new StringBuilder();
    body.append("<h1>Run ").append(esc(id)).append("</h1><dl class=\"facts\">");
    body.append("<dt>Commit</dt><dd>")
        .append(commit(run.path("commit").asText()))
        .append(' ')
        .append(esc(run.path("message").asText()))
        .append("</dd>");
    body.append("<dt>Trigger</dt><dd>").append(esc(run.path("trigger").asText())).append("</dd>");
    body.append("<dt>Status</dt><dd id=\"run-status\">")
        .append(esc(run.path("status").asText()))
        .append("</dd>");
    body.append("<dt>Outcome</dt><dd>").append(esc(outcome(run))).append("</dd>");
    body.append("<dt>Started</dt><dd>")
        .append(esc(Html.when(run.path("startedAt").asText())))
        .append("</dd>");
    if (run.has("endedAt")) {
      body.append("<dt>Ended</dt><dd>")
          .append(esc(Html.when(run.path("endedAt").asText())))
          .append("</dd>");
    }
    body.append("</dl>");
    var graph = StateGraph.json(detail);
    body.append("<h2>State machine</h2><div id=\"graph\" class=\"graph\"></div>")
        .append("<pre id=\"graph-source\" hidden>")
        .append(esc(graph.path("mermaid").asText()))
        .append("</pre><ol id=\"states\" class=\"states\">");
    for (JsonNode state : graph.path("states")) {
      body.append("<li data-state=\"")
          .append(esc(state.path("name").asText()))
          .append("\" class=\"")
          .append(esc(state.path("mark").asText()))
          .append("\">")
          .append(esc(state.path("name").asText()))
          .append("</li>");
    }
    body.append("</ol><h2>Logs</h2><pre id=\"log\" class=\"log\" data-events=\"/runs/")
        .append(esc(id))
        .append("/events\"></pre>");
    return Html.page("Run " + id, csrf, body.toString(), "mermaid.min.js", "dashboard.js");
  }

  /** The audit trail, filtered. */
  String history(String csrf, DashboardData.HistoryFilter filter) {
    StringBuilder body = new StringBuilder("<h1>History</h1>");
    body.append("<form method=\"get\" action=\"/history\" class=\"filters\">")
        .append(filterField("environment", "Environment", filter.environment()))
        .append(eventField(filter.event()))
        .append(filterField("commit", "Commit", filter.commit()))
        .append("<button type=\"submit\">Filter</button></form>");
    JsonNode entries = data.history(filter);
    if (entries.isEmpty()) {
      return Html.page("History", csrf, body + "<p>No record matches.</p>", "dashboard.js");
    }
    body.append(
        "<table class=\"history\"><thead><tr><th>When</th><th>Environment</th>"
            + "<th>Event</th><th>Commit</th><th>Run</th><th>Actor</th><th>What</th></tr></thead>"
            + "<tbody>");
    for (JsonNode entry : entries) {
      body.append("<tr data-event=\"")
          .append(esc(entry.path("event").asText()))
          .append("\"><td>")
          .append(esc(Html.when(entry.path("occurredAt").asText())))
          .append("</td><td>")
          .append(esc(entry.path("environment").asText("-")))
          .append("</td><td>")
          .append(esc(entry.path("event").asText()))
          .append("</td><td>")
          .append(commit(entry.path("commit").asText()))
          .append("</td><td>")
          .append(entry.has("run") ? runLink(entry.path("run").asText()) : "-")
          .append("</td><td>")
          .append(esc(entry.path("actor").asText("")))
          .append("</td><td>")
          .append(esc(entry.path("subject").asText()))
          .append(
              entry.has("error")
                  ? "<br><span class=\"error\">" + esc(entry.path("error").asText()) + "</span>"
                  : "")
          .append("</td></tr>");
    }
    body.append("</tbody></table>");
    return Html.page("History", csrf, body.toString(), "dashboard.js");
  }

  /** The DORA measures: a summary per environment and charts per day (drawn by Chart.js). */
  String dora(String csrf) {
    JsonNode dora = data.dora();
    StringBuilder body = new StringBuilder("<h1>DORA measures</h1>");
    if (dora.path("environments").isEmpty()) {
      return Html.page(
          "DORA", csrf, body + "<p>No deployment in the audit trail yet.</p>", "dashboard.js");
    }
    body.append(
        "<table class=\"dora\"><thead><tr><th>Environment (last 30 days)</th><th>Deployments</th>"
            + "<th>Per day</th><th>Lead time (median)</th><th>Change failure rate</th>"
            + "<th>Time to restore (median)</th><th>Still failing</th></tr></thead><tbody>");
    for (JsonNode environment : dora.path("environments")) {
      JsonNode summary = environment.path("summary");
      body.append("<tr><td>")
          .append(esc(environment.path("name").asText()))
          .append("</td><td>")
          .append(summary.path("deployments").asLong())
          .append("</td><td>")
          .append(String.format(java.util.Locale.ROOT, "%.2f", summary.path("perDay").asDouble()))
          .append("</td><td>")
          .append(minutes(summary.path("leadTimeMinutes")))
          .append("</td><td>")
          .append(
              summary.path("failureRate").isNumber()
                  ? String.format(
                      java.util.Locale.ROOT, "%.0f%%", summary.path("failureRate").asDouble())
                  : "n/a")
          .append("</td><td>")
          .append(minutes(summary.path("restoreMinutes")))
          .append("</td><td>")
          .append(summary.path("openFailures").asLong())
          .append("</td></tr>");
    }
    body.append("</tbody></table><div class=\"charts\">");
    for (String chart :
        new String[] {"deployments", "leadTimeMinutes", "failureRate", "restoreMinutes"}) {
      body.append("<figure><canvas id=\"chart-").append(chart).append("\"></canvas></figure>");
    }
    // Data for the charts, not a script: the page's policy runs no inline script. In JSON, < > &
    // occur only inside strings, where their escapes mean the same and cannot end the element.
    body.append("</div><script type=\"application/json\" id=\"dora-data\">")
        .append(
            dora.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
        .append("</script>");
    return Html.page("DORA", csrf, body.toString(), "chart.umd.min.js", "dashboard.js");
  }

  private static String minutes(JsonNode value) {
    return value.isNumber()
        ? String.format(java.util.Locale.ROOT, "%.1f min", value.asDouble())
        : "n/a";
  }

  /** The event filter: one of the audit trail's events, or any. */
  private static String eventField(String chosen) {
    StringBuilder out = new StringBuilder("<label>Event <select name=\"event\">");
    out.append("<option value=\"\">any</option>");
    for (dev.cairn.pipeline.audit.AuditEvent event : dev.cairn.pipeline.audit.AuditEvent.values()) {
      String name = event.wireName();
      out.append("<option")
          .append(name.equals(chosen) ? " selected" : "")
          .append(">")
          .append(esc(name))
          .append("</option>");
    }
    return out.append("</select></label>").toString();
  }

  private static String filterField(String name, String label, String value) {
    return "<label>"
        + label
        + " <input name=\""
        + name
        + "\" value=\""
        + esc(value == null ? "" : value)
        + "\"></label>";
  }

  private String commitOrNone(String commit, String none) {
    return commit == null || commit.isEmpty() ? none : commit(commit);
  }

  /** A commit's short id, linked to the git host's page of it or to its history here. */
  private String commit(String commit) {
    if (commit == null || commit.isEmpty()) {
      return "";
    }
    Function<String, String> link =
        url -> "<a class=\"commit\" href=\"" + esc(url) + "\" title=\"" + esc(commit) + "\">";
    String open =
        data.commitUrl(commit).map(link).orElseGet(() -> link.apply("/history?commit=" + commit));
    return open + "<code>" + esc(shortId(commit)) + "</code></a>";
  }

  private static String runLink(String runId) {
    return "<a href=\"/runs/" + esc(runId) + "\">" + esc(runId) + "</a>";
  }

  private static String outcome(JsonNode run) {
    if (run.has("outcomes") && !run.get("outcomes").isEmpty()) {
      StringBuilder out = new StringBuilder();
      run.get("outcomes")
          .fields()
          .forEachRemaining(
              e ->
                  out.append(out.isEmpty() ? "" : ", ")
                      .append(e.getKey())
                      .append(' ')
                      .append(e.getValue().asText()));
      return out.toString();
    }
    return run.path("error").asText("");
  }
}
