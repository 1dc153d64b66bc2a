package dev.cairn.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logins: whoever presented the API token gets a session, kept in memory (a restart
 * of Cairn asks for the token again). The browser holds only the session's random id, in an {@code
 * HttpOnly; SameSite=Strict} cookie no script can read and no other site's request carries; each
 * session has its own CSRF token that every form of the dashboard sends back.
 */
final class Sessions {
  /** The cookie's name. */
  static final String COOKIE = "cairn_session";

  /** How long a login lasts. */
  static final Duration LIFETIME = Duration.ofHours(12);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  Sessions(Clock clock) {
    this.clock = clock;
  }

  /**
   * A logged-in browser.
   *
   * @param id the cookie's value
   * @param csrf the token the session's forms carry
   * @param expires when it ends
   */
  record Session(String id, String csrf, Instant expires) {
    @Override
    public String toString() {
      return "Session[***]";
    }
  }

  /** Opens a session (after the API token was presented). */
  Session open() {
    Instant now = clock.instant();
    // Old sessions go when new ones come: the map stays as small as the number of live logins.
    sessions.values().removeIf(s -> !s.expires().isAfter(now));
    Session session = new Session(random(), random(), now.plus(LIFETIME));
    sessions.put(session.id(), session);
    return session;
  }

  /** The live session a cookie names, or empty. */
  Optional<Session> find(String cookie) {
    if (cookie == null || cookie.isEmpty()) {
      return Optional.empty();
    }
    Session session = sessions.get(cookie);
    if (session == null) {
      return Optional.empty();
    }
    if (!session.expires().isAfter(clock.instant())) {
      sessions.remove(cookie);
      return Optional.empty();
    }
    return Optional.of(session);
  }

  /** Ends a session. */
  void close(String cookie) {
    if (cookie != null) {
      sessions.remove(cookie);
    }
  }

  /** Whether a form's CSRF token is its session's (compared in constant time). */
  static boolean csrfMatches(Session session, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            session.csrf().getBytes(StandardCharsets.UTF_8),
            presented.getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code Set-Cookie} value that gives a browser its session. */
  static String cookie(Session session) {
    return COOKIE
        + "="
        + session.id()
        + "; Path=/; Max-Age="
        + LIFETIME.toSeconds()
        + "; HttpOnly; SameSite=Strict";
  }

  /** The {@code Set-Cookie} value that takes it away. */
  static String expiredCookie() {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
