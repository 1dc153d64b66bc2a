package dev.cairn.pipeline.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Private ports on 127.0.0.1 for releases and services, chosen <em>below</em> the kernel's
 * ephemeral range.
 *
 * <p>A port is chosen here and bound later by another program (the release, PostgreSQL), so it must
 * stay free in between — for the release's start-up, and for a service's whole life, since a
 * restarted service binds its recorded port again. A port the kernel hands out for {@code bind(0)}
 * lies in its ephemeral range, which is also where every outgoing connection gets its own port (the
 * health checks, the proxies, the builds' downloads): one of them can take the port in between, and
 * the release then fails to bind it ("Address already in use") and is rolled back as unhealthy. It
 * can even be a connection to that very port, which the kernel then connects to itself. Below the
 * ephemeral range no outgoing connection is given a port, so only a program that binds that exact
 * port can take it.
 */
public final class LoopbackPorts {
  /** Linux's ephemeral range, when it can be read. */
  static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** How many ports below the ephemeral range are chosen from. */
  static final int SPAN = 10_000;

  /** The lowest port chosen: above the ports services conventionally use. */
  static final int LOWEST = 10_000;

  private static final int ATTEMPTS = 100;

  private LoopbackPorts() {}

  /**
   * A port of 127.0.0.1 that nothing is bound to and that is none of {@code taken}: at random from
   * the {@link #SPAN} ports below the ephemeral range, or one the kernel hands out when that range
   * cannot be read or leaves no room below it.
   *
   * @throws IOException when no free port is found
   */
  public static int pick(Set<Integer> taken) throws IOException {
    Optional<int[]> below = belowEphemeral(readEphemeralRange());
    if (below.isPresent()) {
      int low = below.get()[0];
      int high = below.get()[1];
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(low, high + 1);
        if (!taken.contains(port) && bindable(port)) {
          return port;
        }
      }
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (!taken.contains(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
    throw new IOException("no free port on 127.0.0.1 after " + 2 * ATTEMPTS + " attempts");
  }

  /**
   * The ports chosen from for an ephemeral range {@code [first, last]}: the {@link #SPAN} ports
   * below it, not under {@link #LOWEST}; empty when there is no such room (then the kernel picks).
   */
  static Optional<int[]> belowEphemeral(Optional<int[]> ephemeral) {
    if (ephemeral.isEmpty()) {
      return Optional.empty();
    }
    int high = ephemeral.get()[0] - 1;
    int low = Math.max(LOWEST, high - SPAN + 1);
    return high - low < 1_000 ? Optional.empty() : Optional.of(new int[] {low, high});
  }

  /** The ephemeral range {@code [first, last]}, if this is Linux and it can be read. */
  static Optional<int[]> readEphemeralRange() {
    // Read as a stream of lines: Files.readString gave only the first byte of this sysctl file
    // (JDK 25 on this kernel), where a reader gets the whole line.
    try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
      String[] fields = String.valueOf(reader.readLine()).trim().split("\\s+");
      return Optional.of(new int[] {Integer.parseInt(fields[0]), Integer.parseInt(fields[1])});
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not Linux, or not readable: the kernel picks
    }
  }

  /**
   * True when the port can be bound on 127.0.0.1 without {@code SO_REUSEADDR}: nothing listens on
   * it, and no connection, not even one in TIME_WAIT, uses it (a release that does not set the
   * option could not bind it then).
   */
  static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
