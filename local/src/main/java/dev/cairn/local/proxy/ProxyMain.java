package dev.cairn.local.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The proxy process of one environment, started detached by the deployer:
 *
 * <pre>
 * setsid java -cp CLASSPATH dev.cairn.local.proxy.ProxyMain \
 *     --port STABLE_PORT --control DIR/target --pid-file DIR/proxy.pid
 * </pre>
 *
 * <p>It listens on {@code 127.0.0.1:STABLE_PORT}, forwards to the port in the control file (see
 * {@link TcpProxy}), writes its pid file once it listens, and exits when the control file is
 * removed or on SIGTERM (after letting connections in flight finish). Exit codes: 0 stopped, 1
 * could not start (e.g. the port is taken), 2 bad arguments.
 */
public final class ProxyMain {
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private ProxyMain() {}

  /**
   * Runs the proxy until it is told to stop.
   *
   * @param args {@code --port N --control FILE --pid-file FILE}
   */
  public static void main(String[] args) throws InterruptedException {
    Integer port = null;
    Path control = null;
    Path pidFile = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--port" -> port = Integer.parseInt(required(args[i], value));
          case "--control" -> control = Path.of(required(args[i], value));
          case "--pid-file" -> pidFile = Path.of(required(args[i], value));
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
        i++;
      }
      if (port == null || control == null || pidFile == null) {
        throw new IllegalArgumentException("--port, --control and --pid-file are required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("proxy: " + e.getMessage());
      System.err.println("usage: ProxyMain --port N --control FILE --pid-file FILE");
      System.exit(2);
      return;
    }

    TcpProxy proxy = new TcpProxy(port, control, System.out);
    try {
      proxy.start();
      // Atomically: whoever sees the file (the launcher waits for it) reads a whole pid.
      TcpProxy.writeAtomically(pidFile, Long.toString(ProcessHandle.current().pid()));
    } catch (IOException e) {
      System.err.println("proxy: cannot start on 127.0.0.1:" + port + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    Path pid = pidFile;
    // SIGTERM runs shutdown hooks: drain connections in flight before the JVM goes away.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  proxy.stop(DRAIN);
                  deleteQuietly(pid);
                }));
    proxy.awaitStopped();
    deleteQuietly(pid);
    System.exit(0);
  }

  private static String required(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return value;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A stale pid file is detected by its dead pid; nothing else to do.
    }
  }
}
