package dev.cairn.local.deploy;

import dev.cairn.local.proxy.ProxyMain;
import dev.cairn.local.proxy.TcpProxy;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Starts an environment's proxy (a detached JVM owning the stable port) and waits for it to apply a
 * switch: the proxy's side of {@link ProcessDeployer}.
 */
final class ProxyLauncher {
  private static final Duration ACK_POLL = Duration.ofMillis(10);

  private final ProcessDeployer.Options options;
  private final Function<Path, String> tail;

  /**
   * @param tail the end of a log, secrets masked, for error messages
   */
  ProxyLauncher(ProcessDeployer.Options options, Function<Path, String> tail) {
    this.options = options;
    this.tail = tail;
  }

  /** Starts the proxy of {@code env} in {@code dir}, forwarding {@code stablePort}. */
  ProcessRef start(String env, Path dir, int stablePort, int targetPort) {
    Path control = dir.resolve("target");
    Path pidFile = dir.resolve("proxy.pid");
    Path log = dir.resolve("proxy.log");
    Process process;
    try {
      Files.createDirectories(dir);
      // A previous proxy's acknowledgement would be mistaken for this one's.
      Files.deleteIfExists(TcpProxy.ackFileOf(control));
      Files.deleteIfExists(pidFile);
      writeControl(control, targetPort);
      List<String> command =
          ProcessTrees.detached(
              List.of(
                  options.java().toString(),
                  "-Xmx64m",
                  "-XX:+UseSerialGC",
                  "-cp",
                  options.proxyClasspath(),
                  ProxyMain.class.getName(),
                  "--port",
                  Integer.toString(stablePort),
                  "--control",
                  control.toString(),
                  "--pid-file",
                  pidFile.toString()));
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new DeploymentException(
          "cannot start the proxy of " + env + " on port " + stablePort + ": " + e.getMessage(), e);
    }
    ProcessHandle handle = process.toHandle();
    Instant deadline = Instant.now().plus(options.switchTimeout());
    while (!(acked(control, targetPort) && Files.exists(pidFile))) {
      if (!handle.isAlive()) {
        throw new DeploymentException(
            "the proxy of "
                + env
                + " could not start on 127.0.0.1:"
                + stablePort
                + " (is the port used by another process?); "
                + log
                + " ends with:\n"
                + tail.apply(log));
      }
      if (Instant.now().isAfter(deadline)) {
        ProcessTrees.killTree(handle, options.stopGrace());
        throw new DeploymentException(
            "the proxy of " + env + " did not start within " + options.switchTimeout());
      }
      ProcessTrees.waitForExit(handle, ACK_POLL);
    }
    return ProcessRef.of(handle);
  }

  /** Waits until the proxy acknowledged the switch to {@code port}. */
  void awaitAck(String env, Path control, int port, ProcessHandle proxy) {
    Instant deadline = Instant.now().plus(options.switchTimeout());
    while (!acked(control, port)) {
      if (!proxy.isAlive()) {
        throw new DeploymentException(
            "the proxy of "
                + env
                + " exited during the switch; see "
                + control.resolveSibling("proxy.log"));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new DeploymentException(
            "the proxy of "
                + env
                + " did not apply the switch to port "
                + port
                + " within "
                + options.switchTimeout());
      }
      ProcessTrees.waitForExit(proxy, ACK_POLL);
    }
  }

  private static boolean acked(Path control, int port) {
    try {
      return Files.readString(TcpProxy.ackFileOf(control)).strip().equals(Integer.toString(port));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points the proxy at {@code port}. */
  static void writeControl(Path control, int port) {
    try {
      TcpProxy.writeAtomically(control, Integer.toString(port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + control, e);
    }
  }
}
