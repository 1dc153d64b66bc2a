package dev.cairn.local.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy in front of a release that died: new connections wait for it instead of failing. */
class TcpProxyTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private TcpProxy proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
  }

  private int start(int target, Duration hold) throws IOException {
    Path control = dir.resolve("control");
    Files.writeString(control, target + "\n");
    int port = freePort();
    proxy = new TcpProxy(port, control, new PrintStream(log, true, StandardCharsets.UTF_8), hold);
    proxy.start();
    return port;
  }

  private String logText() {
    return log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aConnectionMadeWhileTheReleaseIsDownIsServedOnceItIsBack() throws Exception {
    int release = freePort();
    int port = start(release, Duration.ofMinutes(1));

    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAll(client));
      await().until(() -> logText().contains("port " + release + " refuses connections"));

      // Supervision starts the release again on its port.
      try (ServerSocket restarted =
          new ServerSocket(release, 1, InetAddress.getLoopbackAddress())) {
        try (Socket upstream = accept(restarted)) {
          byte[] request = upstream.getInputStream().readNBytes(5);
          assertThat(new String(request, StandardCharsets.UTF_8)).isEqualTo("ping\n");
          upstream.getOutputStream().write("pong\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(answer.get()).isEqualTo("pong\n");
      }
    }
    assertThat(logText()).contains("port " + release + " answers again");
  }

  @Test
  void aReleaseThatStaysDownFailsTheConnectionAfterTheHold() throws Exception {
    int release = freePort();
    int port = start(release, Duration.ofMillis(100));

    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      assertThat(readAll(client)).as("closed without an answer").isEmpty();
    }
    assertThat(logText()).contains("connection to port " + release + " failed");
  }

  @Test
  void aGetWhoseReleaseDiesBeforeAnsweringIsSentAgainToTheReleaseThatComesBack() throws Exception {
    int release = freePort();
    int port = start(release, Duration.ofMinutes(1));
    String request = "GET /version HTTP/1.1\r\nHost: x\r\n\r\n";

    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      CompletableFuture<String> answer;
      try (ServerSocket dying = new ServerSocket(release, 1, InetAddress.getLoopbackAddress())) {
        client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        answer = CompletableFuture.supplyAsync(() -> readAll(client));
        try (Socket upstream = dying.accept()) {
          // The request arrived; the release is killed before it answers a byte.
          upstream.getInputStream().readNBytes(request.length());
          upstream.setSoLinger(true, 0);
        }
      }
      try (ServerSocket restarted = new ServerSocket(release, 1, InetAddress.getLoopbackAddress());
          Socket upstream = accept(restarted)) {
        assertThat(
                new String(
                    upstream.getInputStream().readNBytes(request.length()),
                    StandardCharsets.US_ASCII))
            .as("the same request, again")
            .isEqualTo(request);
        upstream.getOutputStream().write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
        upstream.shutdownOutput();
        assertThat(answer.get()).isEqualTo("HTTP/1.1 200 OK\r\n");
      }
    }
  }

  @Test
  void aPostWhoseReleaseDiesBeforeAnsweringIsNeverSentTwice() throws Exception {
    int release = freePort();
    int port = start(release, Duration.ofMinutes(1));
    String request = "POST /orders HTTP/1.1\r\nContent-Length: 0\r\n\r\n";

    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        ServerSocket dying = new ServerSocket(release, 1, InetAddress.getLoopbackAddress())) {
      client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      try (Socket upstream = dying.accept()) {
        upstream.getInputStream().readNBytes(request.length());
        upstream.setSoLinger(true, 0);
      }
      assertThat(readAll(client)).as("the client sees the connection end").isEmpty();
      dying.setSoTimeout(200);
      assertThat(accepted(dying)).as("the POST is not sent again").isFalse();
    }
  }

  @Test
  void aConnectionToItselfIsToldFromAConnectionToTheRelease() throws Exception {
    // What the kernel may do to a connection attempt to a loopback port nobody listens on, made
    // here on purpose: bound to the port it connects to, the socket connects to itself.
    try (SocketChannel self = SocketChannel.open()) {
      self.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      self.connect(self.getLocalAddress());
      assertThat(TcpProxy.selfConnected(self)).isTrue();
    }
    try (ServerSocket release = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SocketChannel upstream =
            SocketChannel.open(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), release.getLocalPort()))) {
      assertThat(TcpProxy.selfConnected(upstream)).isFalse();
    }
  }

  /** A proxy that never reconnects fails the test instead of hanging it. */
  private static final int NO_HANG = 60_000;

  private Socket accept(ServerSocket server) throws IOException {
    server.setSoTimeout(NO_HANG);
    try {
      return server.accept();
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the proxy did not connect; its log:\n" + logText(), e);
    }
  }

  private static boolean accepted(ServerSocket server) {
    try (Socket again = server.accept()) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String readAll(Socket socket) {
    try (InputStream in = socket.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** A port as a user (or Cairn) would choose one: below the ephemeral range (LoopbackPorts). */
  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }
}
