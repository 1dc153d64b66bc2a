package dev.cairn.local.proxy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A protocol-agnostic TCP proxy on {@code 127.0.0.1}: every accepted connection is piped byte for
 * byte to {@code 127.0.0.1:<target>}, where the target port is read from a control file.
 *
 * <p>The control file holds one port number and is replaced atomically (write + rename) by the
 * deployer. A change applies to new connections only; connections already piped keep their upstream
 * until either side closes, which is what makes a switch free of failed requests. Once a change is
 * applied the proxy writes the port to the acknowledgement file ({@code <control>.active}), so the
 * deployer knows when new connections reach the new release. When the control file disappears the
 * proxy stops.
 *
 * <p>A release that died is covered while supervision starts it again: new connections wait for it
 * ({@link #UPSTREAM_HOLD}), and an unanswered request that is safe to repeat is sent again ({@link
 * ProxiedConnection}).
 */
public final class TcpProxy {
  /** How often the control file is read; a switch takes effect within this delay. */
  static final Duration CONTROL_POLL = Duration.ofMillis(20);

  /**
   * How long a new connection waits while the release refuses connections (it died and supervision
   * is starting it again, within about a second) before the proxy gives up on it: the client sees a
   * slower answer instead of an error. Nothing was sent upstream, so any request can wait.
   */
  static final Duration UPSTREAM_HOLD = Duration.ofSeconds(10);

  /** How often a held connection tries the release again. */
  private static final Duration UPSTREAM_RETRY = Duration.ofMillis(25);

  /** How often at most the counters file is rewritten. */
  private static final Duration COUNTERS_INTERVAL = Duration.ofSeconds(1);

  private final int listenPort;
  private final Duration hold;
  private final Path controlFile;
  private final Path ackFile;
  private final PrintStream log;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicBoolean holding = new AtomicBoolean();
  private final Path countersFile;
  private ProxyCounters written = new ProxyCounters(0, 0);
  private Instant writtenAt = Instant.EPOCH;
  private volatile int target;
  private volatile boolean stopping;
  private ServerSocketChannel server;

  /**
   * Creates a proxy; nothing runs before {@link #start()}.
   *
   * @param listenPort the stable port to listen on (127.0.0.1)
   * @param controlFile the file holding the target port
   * @param log where to report switches and errors
   */
  public TcpProxy(int listenPort, Path controlFile, PrintStream log) {
    this(listenPort, controlFile, log, UPSTREAM_HOLD);
  }

  /** A proxy whose connections wait {@code hold} at most for a release that refuses them. */
  TcpProxy(int listenPort, Path controlFile, PrintStream log, Duration hold) {
    this.hold = hold;
    this.listenPort = listenPort;
    this.controlFile = controlFile;
    this.ackFile = ackFileOf(controlFile);
    this.countersFile = ProxyCounters.fileOf(controlFile);
    this.log = log;
  }

  /** The acknowledgement file of a control file: the port the proxy currently routes to. */
  public static Path ackFileOf(Path controlFile) {
    return controlFile.resolveSibling(controlFile.getFileName() + ".active");
  }

  /**
   * Reads the target, binds the stable port and starts accepting; returns once it listens.
   *
   * @throws IOException when the control file is unreadable or the port cannot be bound
   */
  public synchronized void start() throws IOException {
    target =
        readTarget()
            .orElseThrow(() -> new IOException("control file " + controlFile + " is missing"));
    server = ServerSocketChannel.open();
    // A proxy restarted after a crash must be able to bind while old connections linger in
    // TIME_WAIT.
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress("127.0.0.1", listenPort), 512);
    acknowledge(target);
    writeCounters(true);
    say("listening on 127.0.0.1:" + listenPort + ", forwarding to port " + target);
    Thread.ofPlatform().name("proxy-accept").start(this::acceptLoop);
    Thread.ofVirtual().name("proxy-control").start(this::watchControl);
  }

  /** The port new connections are forwarded to. */
  public int target() {
    return target;
  }

  /**
   * Stops accepting, lets connections in flight finish for up to {@code drain}, then closes what
   * remains.
   */
  public void stop(Duration drain) {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      say("closing the listening socket failed: " + e.getMessage());
    }
    Instant deadline = Instant.now().plus(drain);
    while (!open.isEmpty() && Instant.now().isBefore(deadline)) {
      // Connections finish on their own; a short wait between checks keeps this cheap.
      pause(CONTROL_POLL);
    }
    for (SocketChannel channel : open) {
      closeQuietly(channel);
    }
    writeCounters(true);
    say("stopped");
    stopped.countDown();
  }

  /** Blocks until the proxy has stopped (control file removed or {@link #stop} called). */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  private void acceptLoop() {
    while (!stopping) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!stopping) {
          say("accept failed: " + e.getMessage());
        }
        continue;
      }
      connections.incrementAndGet();
      // The target is fixed at accept time: a switch after this instant affects later
      // connections only.
      int port = target;
      Thread.ofVirtual().start(() -> serve(client, port));
    }
  }

  private void serve(SocketChannel client, int port) {
    open.add(client);
    try {
      new ProxiedConnection(client, this::connect, () -> target, open).run(port);
    } catch (IOException e) {
      errors.incrementAndGet();
      say("connection to port " + port + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      open.remove(client);
    }
  }

  private SocketChannel connect(int port) throws IOException {
    long deadline = System.nanoTime() + hold.toNanos();
    int attempt = port;
    while (true) {
      try {
        SocketChannel upstream = SocketChannel.open(new InetSocketAddress("127.0.0.1", attempt));
        if (selfConnected(upstream)) {
          upstream.close();
          throw new ConnectException("port " + attempt + " connected to itself");
        }
        if (holding.compareAndSet(true, false)) {
          say("port " + attempt + " answers again");
        }
        return upstream;
      } catch (SocketException e) {
        // Refused, or reset while connecting: a release's listener that is being closed (it died)
        // resets the connections it was handed. Either way the release is not there yet.
        if (stopping || System.nanoTime() - deadline >= 0) {
          throw e;
        }
        if (holding.compareAndSet(false, true)) {
          say("port " + attempt + " refuses connections: holding new ones for up to " + hold);
        }
        pause(UPSTREAM_RETRY);
        // If the target changed since this connection was accepted, the new one is the better bet.
        attempt = target;
      }
    }
  }

  /**
   * Whether a connection to a loopback port nobody listens on was connected to itself: when the
   * target port lies in the kernel's ephemeral range and the kernel picks it as the local port of
   * the attempt, TCP's simultaneous open connects the socket to itself. Retrying every few
   * milliseconds while a release is down made that likely enough to happen (the proxy would then
   * hold the release's port and send the client's request to itself). Cairn now gives releases
   * ports below that range ({@code LoopbackPorts}); a release recorded by an earlier version, or a
   * machine whose range cannot be read, still has one inside it.
   */
  static boolean selfConnected(SocketChannel channel) throws IOException {
    return channel.getLocalAddress() instanceof InetSocketAddress local
        && channel.getRemoteAddress() instanceof InetSocketAddress remote
        && local.getPort() == remote.getPort()
        && local.getAddress().equals(remote.getAddress());
  }

  private void watchControl() {
    while (!stopping) {
      pause(CONTROL_POLL);
      writeCounters(false);
      Optional<Integer> next;
      try {
        next = readTarget();
      } catch (IOException e) {
        say("cannot read " + controlFile + ": " + e.getMessage());
        continue;
      }
      if (next.isEmpty()) {
        say("control file " + controlFile + " removed: stopping");
        stop(Duration.ofSeconds(10));
        return;
      }
      int port = next.get();
      if (port != target) {
        say("switching new connections from port " + target + " to port " + port);
        target = port;
        try {
          acknowledge(port);
        } catch (IOException e) {
          say("cannot write " + ackFile + ": " + e.getMessage());
        }
      }
    }
  }

  private Optional<Integer> readTarget() throws IOException {
    String text;
    try {
      text = Files.readString(controlFile, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(text);
      if (port < 1 || port > 65535) {
        throw new IOException("control file " + controlFile + " holds an invalid port: " + text);
      }
      return Optional.of(port);
    } catch (NumberFormatException e) {
      throw new IOException("control file " + controlFile + " holds no port number: " + text);
    }
  }

  /**
   * Writes the counters when they changed, at most once a second unless {@code now}: a busy proxy
   * writes one small file a second, an idle one none.
   */
  private synchronized void writeCounters(boolean now) {
    ProxyCounters current = new ProxyCounters(connections.get(), errors.get());
    Instant at = Instant.now();
    if (!now && (current.equals(written) || at.isBefore(writtenAt.plus(COUNTERS_INTERVAL)))) {
      return;
    }
    try {
      writeAtomically(countersFile, current.text());
      written = current;
      writtenAt = at;
    } catch (IOException e) {
      say("cannot write " + countersFile + ": " + e.getMessage());
    }
  }

  private void acknowledge(int port) throws IOException {
    writeAtomically(ackFile, Integer.toString(port));
  }

  /** Writes a small file so that readers see either the old or the new content, never a mix. */
  public static void writeAtomically(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, content + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      // A full disk: the file keeps its content; no partial temporary file is left behind.
      Files.deleteIfExists(temp);
      throw e;
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void say(String message) {
    log.println(Instant.now() + " proxy :" + listenPort + " " + message);
    log.flush();
  }

  private static void pause(Duration duration) {
    try {
      TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a broken connection can fail; nothing is left to do with it.
    }
  }
}
