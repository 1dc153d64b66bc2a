package dev.cairn.local.service;

import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import dev.cairn.pipeline.port.ServiceEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One PostgreSQL cluster of an environment's service: {@code DIR/data} (the cluster), {@code
 * DIR/service.json} (its port), {@code DIR/postgres.log} (the server's log).
 *
 * <p>Only TCP on 127.0.0.1 is enabled (no Unix socket, whose default directory may not exist or be
 * shared with a system PostgreSQL), with scram-sha-256 password authentication for every user.
 */
final class PostgresInstance {
  static final String SUPERUSER = "postgres";

  private final PostgresBinaries binaries;
  private final Path root;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final String label;
  private final String superPassword;
  private final Duration startTimeout;
  private final Set<String> secrets;
  private final int port;

  PostgresInstance(
      PostgresBinaries binaries,
      Path root,
      String environment,
      String name,
      String superPassword,
      Set<String> secrets,
      Duration startTimeout) {
    this.binaries = binaries;
    this.root = root;
    this.dir = root.resolve(environment).resolve(name);
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
    this.label = "PostgreSQL service " + name + " of " + environment;
    this.superPassword = superPassword;
    this.secrets = secrets;
    this.startTimeout = startTimeout;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ServiceProvisioningException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    this.port = ServiceState.loadOrCreate(dir.resolve("service.json"), ServiceType.POSTGRES).port();
  }

  int port() {
    return port;
  }

  /**
   * Creates the cluster the first time, starts or adopts it, and makes sure the application's user
   * and database exist.
   *
   * @return true when this call started the server, false when it was already running
   */
  boolean ensureRunning() {
    OsUser.makeReachable(root, dir, OsUser.POSTGRES);
    OsUser.chown(dir, OsUser.POSTGRES);
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      initdb();
    }
    writeSettings();
    if (running()) {
      awaitReady();
      return false;
    }
    start();
    return true;
  }

  /** Creates the application's role and database when missing. */
  void ensureDatabase(String user, String password, String database) {
    String sql =
        """
        SELECT format('CREATE ROLE %%I LOGIN PASSWORD %%L', %1$s, %2$s)
          WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %1$s)\\gexec
        SELECT format('CREATE DATABASE %%I OWNER %%I', %3$s, %1$s)
          WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = %3$s)\\gexec
        """
            .formatted(literal(user), literal(password), literal(database));
    Exec.Result result =
        Exec.run(
            List.of(
                binaries.tool("psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                SUPERUSER,
                "-d",
                "postgres"),
            dir,
            // The password travels in the environment and on stdin, never on a command line
            // other users can read in /proc.
            Map.of("PGPASSWORD", superPassword, "PGCONNECT_TIMEOUT", "10"),
            sql,
            Duration.ofMinutes(1));
    if (!result.ok()) {
      throw new ServiceProvisioningException(
          "cannot create user "
              + user
              + " and database "
              + database
              + " in the "
              + label
              + ": "
              + Exec.masked(result.output(), secrets));
    }
  }

  /** Stops the server (fast shutdown: sessions are ended, data is kept). */
  void stop() {
    if (!running()) {
      return;
    }
    Optional<ProcessHandle> postmaster = postmaster();
    Exec.Result result =
        Exec.run(
            OsUser.as(
                OsUser.POSTGRES,
                List.of(
                    binaries.tool("pg_ctl"), "stop", "-D", data.toString(), "-m", "fast", "-w")),
            dir,
            Map.of(),
            null,
            startTimeout);
    if (!result.ok()) {
      throw new ServiceProvisioningException(
          "cannot stop the " + label + ": " + Exec.masked(result.output(), secrets));
    }
    // pg_ctl returns once the pid file is gone; the process (and its port) goes a moment later.
    postmaster.ifPresent(
        p -> {
          try {
            p.onExit().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException | ExecutionException e) {
            throw new ServiceProvisioningException(
                "the " + label + " (pid " + p.pid() + ") did not exit after pg_ctl stop");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private Optional<ProcessHandle> postmaster() {
    try {
      List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
      return lines.isEmpty()
          ? Optional.empty()
          : ProcessHandle.of(Long.parseLong(lines.getFirst().strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The service's name for people, e.g. {@code PostgreSQL service db of production}. */
  String label() {
    return label;
  }

  /** True while the server's process runs: a cheap check of its pid file. */
  boolean alive() {
    return postmaster().map(ProcessHandle::isAlive).orElse(false);
  }

  boolean running() {
    if (!Files.exists(data.resolve("postmaster.pid"))) {
      return false;
    }
    // pg_ctl status checks the pid file and that its process lives.
    return Exec.run(
            OsUser.as(
                OsUser.POSTGRES, List.of(binaries.tool("pg_ctl"), "status", "-D", data.toString())),
            dir,
            Map.of(),
            null,
            Duration.ofSeconds(30))
        .ok();
  }

  private void initdb() {
    Path pwfile = dir.resolve(".initdb-password");
    try {
      Files.deleteIfExists(pwfile);
      Files.createFile(
          pwfile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, superPassword + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      OsUser.chown(pwfile, OsUser.POSTGRES);
      Exec.Result result =
          Exec.run(
              OsUser.as(
                  OsUser.POSTGRES,
                  List.of(
                      binaries.tool("initdb"),
                      "-D",
                      data.toString(),
                      "-U",
                      SUPERUSER,
                      "--pwfile=" + pwfile,
                      "--auth-host=scram-sha-256",
                      "--auth-local=scram-sha-256",
                      "-E",
                      "UTF8",
                      "--locale=C")),
              dir,
              Map.of(),
              null,
              Duration.ofMinutes(5));
      if (!result.ok()) {
        throw new ServiceProvisioningException(
            "initdb failed for the "
                + label
                + " in "
                + data
                + ":\n"
                + Exec.masked(result.output(), secrets));
      }
      // Only TCP from this machine, with passwords: no Unix socket, no "trust".
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "# Written by Cairn: password logins over TCP from this machine only.\n"
              + "host all all 127.0.0.1/32 scram-sha-256\n",
          StandardOpenOption.TRUNCATE_EXISTING);
      Files.writeString(
          data.resolve("postgresql.conf"),
          "\n# Cairn's settings (port, addresses) live in cairn.conf.\n"
              + "include_if_exists = 'cairn.conf'\n",
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ServiceProvisioningException(
          "cannot prepare the " + label + " in " + dir + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(pwfile);
      } catch (IOException e) {
        // Readable by its owner only; removed on the next attempt.
      }
    }
  }

  private void writeSettings() {
    Path conf = data.resolve("cairn.conf");
    try {
      Files.writeString(
          conf,
          "# Written by Cairn on every start.\n"
              + "listen_addresses = '127.0.0.1'\n"
              + "port = "
              + port
              + "\n"
              + "unix_socket_directories = ''\n"
              + "password_encryption = 'scram-sha-256'\n");
      OsUser.chown(conf, OsUser.POSTGRES);
    } catch (IOException e) {
      throw new ServiceProvisioningException("cannot write " + conf + ": " + e.getMessage(), e);
    }
  }

  private void start() {
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
    // pg_ctl starts the server in its own session with output to the log: it outlives Cairn.
    Exec.Result result =
        Exec.run(
            OsUser.as(
                OsUser.POSTGRES,
                List.of(
                    binaries.tool("pg_ctl"),
                    "start",
                    "-D",
                    data.toString(),
                    "-l",
                    log.toString(),
                    "-w",
                    "-t",
                    Long.toString(startTimeout.toSeconds()),
                    "-s")),
            dir,
            Map.of(),
            null,
            startTimeout.plusSeconds(30));
    if (!result.ok()) {
      throw new ServiceProvisioningException(
          "the "
              + label
              + " did not start: "
              + Exec.masked(result.output(), secrets)
              + "\n"
              + log
              + " ends with:\n"
              + Exec.tail(log, 20, secrets));
    }
  }

  /** A running server may still be starting (e.g. recovering after a crash): wait for it. */
  private void awaitReady() {
    Exec.Result result =
        Exec.run(
            List.of(
                binaries.tool("pg_isready"),
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-t",
                Long.toString(startTimeout.toSeconds())),
            dir,
            Map.of(),
            null,
            startTimeout.plusSeconds(30));
    if (!result.ok()) {
      throw new ServiceProvisioningException(
          "the "
              + label
              + " runs but does not accept connections on 127.0.0.1:"
              + port
              + "; see "
              + log);
    }
  }

  ServiceEndpoint endpoint(String user, String password, String database) {
    return new ServiceEndpoint(
        "127.0.0.1",
        port,
        user,
        password,
        database,
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database);
  }

  /** A SQL string literal (standard_conforming_strings is on: only quotes need doubling). */
  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
