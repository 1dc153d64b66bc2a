package dev.cairn.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Refuses the requests a web browser can be made to send on a user's behalf, before anything else
 * looks at them:
 *
 * <ul>
 *   <li>a {@code Host} that is not one of the server's names (DNS rebinding: a page of {@code
 *       evil.example} whose name now resolves to 127.0.0.1 still sends {@code Host: evil.example});
 *   <li>an {@code Origin} other than the server's own (a cross-site form or {@code fetch});
 *   <li>for a state-changing API call, a {@code Content-Type} other than JSON ({@code text/plain}
 *       and form bodies need no CORS preflight, JSON does) and a missing or wrong bearer token.
 * </ul>
 */
final class RequestGuard {
  private final Set<String> own;
  private final Set<String> proxied;
  private final int port;
  private final ApiToken token;

  /**
   * @param bindHost the address the server listens on
   * @param port the port it listens on
   * @param extraHosts further names clients use (e.g. a reverse proxy's)
   * @param token the API token, or null when the API refuses every call
   */
  RequestGuard(String bindHost, int port, List<String> extraHosts, ApiToken token) {
    this.port = port;
    this.token = token;
    Set<String> names = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
    if (!isWildcard(bindHost)) {
      names.add(bracketed(bindHost.toLowerCase(Locale.ROOT)));
    }
    this.own = Set.copyOf(names);
    Set<String> extra = new HashSet<>();
    for (String name : extraHosts) {
      extra.add(bracketed(name.toLowerCase(Locale.ROOT)));
    }
    this.proxied = Set.copyOf(extra);
  }

  /**
   * Why the request's Host or Origin is refused (403), or empty.
   *
   * @param headers a request header's value by name (case-insensitive), or null when absent
   */
  Optional<String> checkSite(Function<String, String> headers) {
    String host = headers.apply("Host");
    if (host == null || !allowedAuthority(host)) {
      return Optional.of("the Host header does not name this Cairn server");
    }
    String origin = headers.apply("Origin");
    if (origin != null && !allowedOrigin(origin)) {
      return Optional.of("cross-origin requests are refused");
    }
    if ("cross-site".equalsIgnoreCase(headers.apply("Sec-Fetch-Site"))) {
      return Optional.of("cross-origin requests are refused");
    }
    return Optional.empty();
  }

  /** Whether the request carries this server's bearer token. */
  boolean authenticated(Function<String, String> headers) {
    if (token == null) {
      return false;
    }
    String authorization = headers.apply("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return token.matches(authorization.substring(7).strip());
  }

  /** Whether {@code presented} is this server's API token (the dashboard's login). */
  boolean isToken(String presented) {
    return token != null && token.matches(presented);
  }

  /**
   * Whether a browser's state-changing request comes from one of this server's own pages: its
   * {@code Origin} names this server (browsers send it with every POST), or, where a browser leaves
   * it out, {@code Sec-Fetch-Site} says {@code same-origin}.
   */
  boolean sameOrigin(Function<String, String> headers) {
    String origin = headers.apply("Origin");
    if (origin != null) {
      return allowedOrigin(origin);
    }
    return "same-origin".equalsIgnoreCase(headers.apply("Sec-Fetch-Site"));
  }

  /** The actor the token stands for. */
  String actor() {
    return token.actor();
  }

  /** Whether a POST body is declared as JSON ({@code application/json}, parameters allowed). */
  static boolean isJson(Function<String, String> headers) {
    String type = headers.apply("Content-Type");
    if (type == null) {
      return false;
    }
    String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return media.equals("application/json");
  }

  /**
   * Whether {@code host[:port]} names this server: one of its own names on its own port (no port
   * means 80), or one of the extra names (a proxy in front, on whatever port it serves).
   */
  private boolean allowedAuthority(String authority) {
    String value = authority.strip().toLowerCase(Locale.ROOT);
    String name = value;
    int given = 80;
    int colon = value.lastIndexOf(':');
    if (colon > value.lastIndexOf(']')) {
      name = value.substring(0, colon);
      try {
        given = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (proxied.contains(name)) {
      return true;
    }
    return own.contains(name) && given == port;
  }

  private boolean allowedOrigin(String origin) {
    String value = origin.strip().toLowerCase(Locale.ROOT);
    for (String scheme : List.of("http://", "https://")) {
      if (value.startsWith(scheme)) {
        String authority = value.substring(scheme.length());
        return !authority.contains("/") && allowedAuthority(authority);
      }
    }
    // "null" (sandboxed frames, file: pages) and anything else is foreign.
    return false;
  }

  private static String bracketed(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** Whether {@code host} is a loopback address or resolves only to one. */
  static boolean isLoopback(String host) {
    if (isWildcard(host)) {
      return false;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
