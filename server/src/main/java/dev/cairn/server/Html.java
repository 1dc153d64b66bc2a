package dev.cairn.server;

/**
 * The dashboard's HTML: escaping and the frame every page shares. Pages are built from escaped text
 * only; no value from a run, a commit message or the audit trail reaches the page unescaped.
 */
final class Html {
  private Html() {}

  /** {@code text} escaped for an HTML element or a quoted attribute. */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final java.time.format.DateTimeFormatter WHEN =
      java.time.format.DateTimeFormatter.ofPattern(
              "yyyy-MM-dd HH:mm:ss 'UTC'", java.util.Locale.ROOT)
          .withZone(java.time.ZoneOffset.UTC);

  /** An instant ({@code 2026-12-07T05:58:39.015Z}) as people read it, or the text as it is. */
  static String when(String instant) {
    if (instant == null || instant.isEmpty()) {
      return "-";
    }
    try {
      return WHEN.format(java.time.Instant.parse(instant));
    } catch (java.time.format.DateTimeParseException e) {
      return instant;
    }
  }

  /** The first seven characters of a commit id. */
  static String shortId(String commit) {
    return commit == null ? "" : commit.length() > 7 ? commit.substring(0, 7) : commit;
  }

  /**
   * A whole page.
   *
   * @param title the page's title
   * @param csrf the session's CSRF token for the log-out form, or null on the login page
   * @param body the page's content (already HTML)
   * @param scripts further script files under {@code /assets/}
   */
  static String page(String title, String csrf, String body, String... scripts) {
    StringBuilder out = new StringBuilder(4096);
    out.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(esc(title))
        .append(" · Cairn</title>")
        .append("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head><body>")
        .append("<header><a class=\"brand\" href=\"/\">Cairn</a>");
    if (csrf != null) {
      out.append("<nav><a href=\"/\">Environments</a><a href=\"/runs\">Runs</a>")
          .append("<a href=\"/history\">History</a><a href=\"/dora\">DORA</a></nav>")
          .append("<form method=\"post\" action=\"/logout\" class=\"logout\">")
          .append(csrfField(csrf))
          .append("<button type=\"submit\">Log out</button></form>");
    }
    out.append("</header><main>").append(body).append("</main>");
    for (String script : scripts) {
      out.append("<script src=\"/assets/").append(esc(script)).append("\"></script>");
    }
    return out.append("</body></html>\n").toString();
  }

  /** The hidden field that carries the session's CSRF token in a form. */
  static String csrfField(String csrf) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
  }
}
