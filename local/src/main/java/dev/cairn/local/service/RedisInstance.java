package dev.cairn.local.service;

import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import dev.cairn.pipeline.port.ServiceEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Redis server of an environment's service: {@code DIR/redis.conf} (0600: it holds the
 * password), {@code DIR/data} (append-only file and snapshots), {@code DIR/redis.pid}, {@code
 * DIR/redis.log}. Redis daemonizes itself, so it outlives Cairn.
 */
final class RedisInstance {
  private static final Duration POLL = Duration.ofMillis(50);

  private final Path redisServer;
  private final Path dir;
  private final Path pidFile;
  private final Path log;
  private final String label;
  private final String password;
  private final Set<String> secrets;
  private final Duration startTimeout;
  private final int port;

  RedisInstance(
      Path redisServer,
      Path root,
      String environment,
      String name,
      String password,
      Set<String> secrets,
      Duration startTimeout) {
    this.redisServer = redisServer;
    this.dir = root.resolve(environment).resolve(name);
    this.pidFile = dir.resolve("redis.pid");
    this.log = dir.resolve("redis.log");
    this.label = "Redis service " + name + " of " + environment;
    this.password = password;
    this.secrets = secrets;
    this.startTimeout = startTimeout;
    try {
      Files.createDirectories(dir.resolve("data"));
    } catch (IOException e) {
      throw new ServiceProvisioningException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    this.port = ServiceState.loadOrCreate(dir.resolve("service.json"), ServiceType.REDIS).port();
  }

  /**
   * Starts the server unless it runs.
   *
   * @return true when this call started it
   */
  boolean ensureRunning() {
    if (process().isPresent() && accepts()) {
      return false;
    }
    if (!ServiceState.portFree(port)) {
      throw new ServiceProvisioningException(
          "cannot start the "
              + label
              + ": port "
              + port
              + " on 127.0.0.1 is used by another process (the port is kept in "
              + dir.resolve("service.json")
              + ")");
    }
    Path conf = writeConfig();
    Exec.Result result =
        Exec.run(
            List.of(redisServer.toString(), conf.toString()), dir, Map.of(), null, startTimeout);
    if (!result.ok()) {
      throw new ServiceProvisioningException(
          "the " + label + " did not start: " + Exec.masked(result.output(), secrets));
    }
    Instant deadline = Instant.now().plus(startTimeout);
    while (!accepts()) {
      if (Instant.now().isAfter(deadline)) {
        throw new ServiceProvisioningException(
            "the "
                + label
                + " does not accept connections on 127.0.0.1:"
                + port
                + "; "
                + log
                + " ends with:\n"
                + Exec.tail(log, 20, secrets));
      }
      pause();
    }
    return true;
  }

  void stop() {
    Optional<ProcessHandle> process = process();
    if (process.isEmpty()) {
      return;
    }
    // SIGTERM makes Redis save and exit.
    process.get().destroy();
    try {
      process.get().onExit().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.get().destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The service's name for people, e.g. {@code Redis service cache of production}. */
  String label() {
    return label;
  }

  /** True while the server's process runs: a cheap check of its pid file. */
  boolean alive() {
    return process().isPresent();
  }

  ServiceEndpoint endpoint() {
    return new ServiceEndpoint(
        "127.0.0.1", port, null, password, null, "redis://127.0.0.1:" + port);
  }

  private Optional<ProcessHandle> process() {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path writeConfig() {
    Path conf = dir.resolve("redis.conf");
    try {
      if (!Files.exists(conf)) {
        Files.createFile(
            conf,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(
          conf,
          String.join(
              "\n",
              "# Written by Cairn on every start.",
              "bind 127.0.0.1",
              "port " + port,
              "protected-mode yes",
              "daemonize yes",
              "dir " + dir.resolve("data"),
              "pidfile " + pidFile,
              "logfile " + log,
              "appendonly yes",
              "requirepass " + password,
              ""));
      return conf;
    } catch (IOException e) {
      throw new ServiceProvisioningException("cannot write " + conf + ": " + e.getMessage(), e);
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceProvisioningException("interrupted while waiting for Redis", e);
    }
  }
}
