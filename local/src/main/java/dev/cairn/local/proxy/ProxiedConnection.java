package dev.cairn.local.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * One client connection piped byte for byte to the release, with one kindness that HTTP allows: a
 * {@code GET}, {@code HEAD} or {@code OPTIONS} request whose release went away before answering a
 * single byte (killed, crashed) is sent again, to the release as it comes back or to the proxy's
 * new target, so the client gets an answer instead of a reset connection. These methods are safe to
 * repeat (RFC 9110, section 9.2.2); nothing else is ever sent twice: other methods, other
 * protocols, requests over {@link #REPLAY_LIMIT}.
 *
 * <p>Requests are told apart without parsing HTTP: bytes the client sends after the release
 * answered begin a new request, as HTTP/1.1 clients do without pipelining.
 */
final class ProxiedConnection {
  /** The largest request kept for sending again. */
  static final int REPLAY_LIMIT = 64 * 1024;

  /** How many times one request is sent again at most (a release that keeps dying on it). */
  private static final int MAX_REPLAYS = 3;

  private static final int BUFFER_SIZE = 16 * 1024;

  /** Opens a connection to the release on a port, waiting for one that refuses for a while. */
  interface Upstreams {
    SocketChannel connect(int port) throws IOException;
  }

  private final SocketChannel client;
  private final Upstreams upstreams;
  private final IntSupplier target;
  private final Set<SocketChannel> open;
  private final Object lock = new Object();

  // Changed under lock; read without it where a blocked write must not hold the reader up (a
  // release answering a large upload before reading all of it).
  private volatile SocketChannel upstream;
  private volatile boolean answered = true;

  // Guarded by lock.
  private final ByteArrayOutputStream request = new ByteArrayOutputStream();
  private boolean fitsReplay;
  private boolean clientDone;
  private int replays;

  /**
   * @param client the accepted connection
   * @param upstreams how to reach the release
   * @param target the proxy's current target port
   * @param open the proxy's open connections (closed when it stops); upstreams are added and
   *     removed
   */
  ProxiedConnection(
      SocketChannel client, Upstreams upstreams, IntSupplier target, Set<SocketChannel> open) {
    this.client = client;
    this.upstreams = upstreams;
    this.target = target;
    this.open = open;
  }

  /**
   * Pipes both ways until both are done; returns when the connection is over.
   *
   * @throws IOException when the release cannot be reached at all (nothing was sent)
   */
  void run(int port) throws IOException, InterruptedException {
    SocketChannel first = upstreams.connect(port);
    open.add(first);
    synchronized (lock) {
      upstream = first;
    }
    try {
      Thread answers = Thread.ofVirtual().start(this::answers);
      requests();
      answers.join();
    } finally {
      close(upstream);
    }
  }

  /** Client to release: each byte kept (for a repeat) and written under the lock. */
  private void requests() {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    try {
      while (client.read(buffer) >= 0) {
        buffer.flip();
        synchronized (lock) {
          if (answered) {
            request.reset();
            answered = false;
            fitsReplay = true;
            replays = 0;
          }
          if (fitsReplay && request.size() + buffer.remaining() <= REPLAY_LIMIT) {
            request.write(buffer.array(), buffer.position(), buffer.remaining());
          } else {
            fitsReplay = false;
          }
          try {
            writeAll(upstream, buffer);
          } catch (IOException e) {
            // The release went away: the answers side sends the request again or gives up.
          }
        }
        buffer.clear();
      }
      synchronized (lock) {
        clientDone = true;
        try {
          upstream.shutdownOutput();
        } catch (IOException e) {
          // The release is gone: the answers side sends the request again or gives up.
        }
      }
    } catch (IOException e) {
      // The client went away: the whole connection is over.
      closeBoth();
    }
  }

  /** Release to client; on a release gone before answering, the request again or the end. */
  private void answers() {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    while (true) {
      SocketChannel from = upstream;
      int read;
      try {
        read = from.read(buffer);
      } catch (IOException e) {
        read = -2;
      }
      if (read > 0) {
        buffer.flip();
        answered = true;
        try {
          writeAll(client, buffer);
        } catch (IOException e) {
          closeBoth();
          return;
        }
        buffer.clear();
        continue;
      }
      if (read == 0) {
        continue;
      }
      synchronized (lock) {
        if (!answered && repeatable() && client.isOpen() && sendAgain()) {
          continue;
        }
      }
      if (read == -1) {
        // Half-close keeps the other direction open: the client may still be sending.
        try {
          client.shutdownOutput();
        } catch (IOException e) {
          closeBoth();
        }
      } else {
        closeBoth();
      }
      return;
    }
  }

  /**
   * Connects to the release again and sends it the request; false when it is not back within the
   * proxy's hold (the client's connection then ends). Called under the lock.
   */
  private boolean sendAgain() {
    replays++;
    close(upstream);
    try {
      upstream = upstreams.connect(target.getAsInt());
    } catch (IOException e) {
      return false;
    }
    open.add(upstream);
    try {
      writeAll(upstream, ByteBuffer.wrap(request.toByteArray()));
      if (clientDone) {
        upstream.shutdownOutput();
      }
    } catch (IOException e) {
      // Reset at once: the connection landed in the backlog of a dying release's listener. The
      // next read sees the reset and sends the request again, at most MAX_REPLAYS times; giving up
      // here failed the client's request although the release came back (TcpProxyTest, under load).
    }
    return true;
  }

  /** Whether the request so far may be sent again. Called under the lock. */
  private boolean repeatable() {
    if (!fitsReplay || replays >= MAX_REPLAYS || request.size() == 0) {
      return false;
    }
    String start = request.toString(StandardCharsets.ISO_8859_1);
    return start.startsWith("GET ") || start.startsWith("HEAD ") || start.startsWith("OPTIONS ");
  }

  private void closeBoth() {
    close(client);
    close(upstream);
  }

  private void close(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a broken connection can fail; nothing is left to do with it.
    }
    open.remove(channel);
  }

  private static void writeAll(SocketChannel to, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      to.write(buffer);
    }
  }
}
