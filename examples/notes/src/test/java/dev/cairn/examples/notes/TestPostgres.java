package dev.cairn.examples.notes;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for one test class: initdb into a temporary directory, pg_ctl on a free
 * loopback port, password authentication over TCP. As root it runs as the {@code postgres} user,
 * because PostgreSQL refuses to run as root.
 */
final class TestPostgres implements AutoCloseable {
  static final String USER = "notes";
  static final String PASSWORD = "s3cret-test-password";
  static final String DATABASE = "notes";

  private static final Path BIN = findBinaries();
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private final Path data;
  private final Path logFile;
  private final int port;
  private boolean running;

  private TestPostgres(Path data, Path logFile, int port) {
    this.data = data;
    this.logFile = logFile;
    this.port = port;
  }

  /** Initialises and starts a server under {@code baseDirectory}, or skips the test. */
  static TestPostgres start(Path baseDirectory) throws Exception {
    assumeTrue(
        BIN != null,
        "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin:"
            + " skipping the tests that need a real database");
    if (ROOT) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/sbin/runuser"))
              || Files.isExecutable(Path.of("/sbin/runuser")),
          "running as root without runuser: cannot start PostgreSQL as the postgres user");
    }
    // PostgreSQL (as user postgres) must reach its directory through the root-owned temp dir.
    Files.setPosixFilePermissions(baseDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path home = Files.createDirectory(baseDirectory.resolve("pg"));
    Path data = home.resolve("data");
    Path passwordFile = home.resolve("password");
    Files.writeString(passwordFile, PASSWORD + "\n", StandardCharsets.UTF_8);
    if (ROOT) {
      UserPrincipal postgres =
          home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(home, postgres);
      Files.setOwner(passwordFile, postgres);
    }
    run(
        List.of(
            BIN.resolve("initdb").toString(),
            "--pgdata=" + data,
            "--username=" + USER,
            "--pwfile=" + passwordFile,
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync"));
    int port = freePort();
    TestPostgres server = new TestPostgres(data, home.resolve("server.log"), port);
    server.startServer();
    try (Connection connection = server.connect("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("create database " + DATABASE);
    }
    return server;
  }

  /** Creates another, empty database and returns its JDBC URL. */
  String createDatabase(String name) throws SQLException {
    try (Connection connection = connect("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("create database " + name);
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** The JDBC URL of the application database. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** An environment for the application pointing at this server. */
  Map<String, String> env() {
    return Map.of("DATABASE_URL", url(), "DATABASE_USER", USER, "DATABASE_PASSWORD", PASSWORD);
  }

  /** Starts the (initialised) server and waits until it accepts connections. */
  void startServer() throws IOException, InterruptedException {
    run(
        List.of(
            BIN.resolve("pg_ctl").toString(),
            "--pgdata=" + data,
            "--log=" + logFile,
            "--wait",
            "--options=-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"));
    running = true;
  }

  /** Stops the server and waits until it is gone. */
  void stopServer() throws IOException, InterruptedException {
    run(
        List.of(
            BIN.resolve("pg_ctl").toString(), "--pgdata=" + data, "--wait", "--mode=fast", "stop"));
    running = false;
  }

  private Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, USER, PASSWORD);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (running) {
      stopServer();
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (ROOT) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    // Output to a file, not a pipe: the server started by pg_ctl must not hold our pipe open.
    Path output = Files.createTempFile("notes-test-pg", ".out");
    try {
      Process process =
          new ProcessBuilder(full)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "failed (exit "
                + process.exitValue()
                + "): "
                + String.join(" ", command)
                + "\n"
                + Files.readString(output));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (var versions = Files.list(root)) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
          .max(java.util.Comparator.comparing(Path::toString))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }
}
