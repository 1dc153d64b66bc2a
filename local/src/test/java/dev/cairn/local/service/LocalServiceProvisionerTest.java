package dev.cairn.local.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.pipeline.file.ServiceSpec;
import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import dev.cairn.pipeline.port.ServiceEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServiceProvisionerTest {
  private static final ServiceSpec DB =
      new ServiceSpec("db", ServiceType.POSTGRES, Map.of("database", "notes"));

  @TempDir Path root;
  private final TestSecrets secrets = new TestSecrets();
  private final List<LocalServiceProvisioner> provisioners = new ArrayList<>();

  @AfterEach
  void stopServers() {
    for (LocalServiceProvisioner provisioner : provisioners) {
      provisioner.stopAll();
    }
  }

  private LocalServiceProvisioner provisioner() {
    LocalServiceProvisioner provisioner = new LocalServiceProvisioner(root, secrets);
    provisioners.add(provisioner);
    return provisioner;
  }

  private static void assumePostgres() {
    Assumptions.assumeTrue(
        PostgresBinaries.newestUnder(PostgresBinaries.DEFAULT_BASE).isPresent(),
        "PostgreSQL server binaries are not installed under /usr/lib/postgresql: skipped");
  }

  @Test
  void provisionsPostgresAdoptsItRestartsItAndBringsItBackAfterAKillWithTheDataKept()
      throws Exception {
    assumePostgres();
    ServiceEndpoint first = provisioner().ensure("test", DB);

    assertThat(first.host()).isEqualTo("127.0.0.1");
    assertThat(first.user()).isEqualTo("db");
    assertThat(first.database()).isEqualTo("notes");
    assertThat(first.url()).isEqualTo("jdbc:postgresql://127.0.0.1:" + first.port() + "/notes");
    assertThat(first.password()).isEqualTo(secrets.get("services.test.db.password").orElseThrow());
    assertThat(secrets.get("services.test.db.superuser-password")).isPresent();
    assertThat(first.toString()).doesNotContain(first.password());
    try (Connection c = connect(first);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE note (text varchar(100))");
      s.execute("INSERT INTO note VALUES ('kept')");
    }
    assertThatThrownBy(
            () -> DriverManager.getConnection(first.url(), first.user(), "not-" + first.password()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    long firstPid = postmasterPid();

    // A new Cairn process adopts the running server: same port, same process, same data.
    LocalServiceProvisioner second = provisioner();
    ServiceEndpoint adopted = second.ensure("test", DB);
    assertThat(adopted.port()).isEqualTo(first.port());
    assertThat(postmasterPid()).isEqualTo(firstPid);
    assertThat(notes(adopted)).containsExactly("kept");

    second.stopAll();
    assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThatThrownBy(() -> connect(first)).isInstanceOf(SQLException.class);

    ServiceEndpoint restarted = second.ensure("test", DB);
    assertThat(restarted.port()).isEqualTo(first.port());
    assertThat(postmasterPid()).isNotEqualTo(firstPid);
    assertThat(notes(restarted)).containsExactly("kept");

    // Killed (SIGKILL, as the OOM killer does): supervision starts it again with its data.
    assertThat(second.restartStopped()).as("nothing to do while it runs").isEmpty();
    long killedPid = postmasterPid();
    ProcessHandle postmaster = ProcessHandle.of(killedPid).orElseThrow();
    postmaster.destroyForcibly();
    await().atMost(Duration.ofSeconds(60)).until(() -> !postmaster.isAlive());
    // Its server processes may hold its shared memory a moment longer: tried until it starts.
    List<LocalServiceProvisioner.Restart> seen = new ArrayList<>();
    await("PostgreSQL runs again")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              seen.addAll(second.restartStopped());
              return seen.stream().anyMatch(r -> r.error().isEmpty());
            });
    assertThat(seen)
        .extracting(LocalServiceProvisioner.Restart::service)
        .containsOnly("PostgreSQL service db of test");
    assertThat(postmasterPid()).isNotEqualTo(killedPid);
    assertThat(notes(restarted)).containsExactly("kept");
  }

  @Test
  void aNewProcessStopsTheServicesAnEarlierOneLeftRunning() throws Exception {
    assumePostgres();
    ServiceEndpoint endpoint = provisioner().ensure("test", DB);
    long pid = postmasterPid();

    // A Cairn started afterwards has not ensured the service yet, and stops it all the same.
    provisioner().stopAll();

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThatThrownBy(() -> connect(endpoint)).isInstanceOf(SQLException.class);
  }

  @Test
  void aBusyPortIsReportedClearly() throws Exception {
    assumePostgres();
    LocalServiceProvisioner provisioner = provisioner();
    int port = provisioner.ensure("test", DB).port();
    provisioner.stopAll();

    try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> provisioner.ensure("test", DB))
          .isInstanceOf(ServiceProvisioningException.class)
          .hasMessageContaining("port " + port)
          .hasMessageContaining("used by another process");
    }
    assertThat(provisioner.ensure("test", DB).port()).isEqualTo(port);
  }

  @Test
  void missingPostgresBinariesAreNamed() {
    LocalServiceProvisioner provisioner =
        LocalServiceProvisioner.builder(root, secrets).postgresBin(root.resolve("nowhere")).build();

    assertThatThrownBy(() -> provisioner.ensure("test", DB))
        .isInstanceOf(ServiceProvisioningException.class)
        .hasMessageContaining("PostgreSQL server binaries")
        .hasMessageContaining(root.resolve("nowhere").toString())
        .hasMessageContaining("install");
  }

  @Test
  void initdbFailureShowsItsOutputWithoutTheSecrets() throws IOException {
    Path bin = Files.createDirectories(root.resolve("fake-bin"));
    // An initdb that prints the superuser password it was given, then fails.
    script(
        bin.resolve("initdb"),
        "for a in \"$@\"; do case $a in --pwfile=*) cat \"${a#--pwfile=}\";; esac; done\n"
            + "echo 'initdb: could not create directory: No space left on device'\nexit 1");
    for (String tool : List.of("pg_ctl", "pg_isready", "psql")) {
      script(bin.resolve(tool), "exit 1");
    }
    LocalServiceProvisioner provisioner =
        LocalServiceProvisioner.builder(root, secrets).postgresBin(bin).build();

    assertThatThrownBy(() -> provisioner.ensure("test", DB))
        .isInstanceOf(ServiceProvisioningException.class)
        .hasMessageContaining("initdb failed")
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("***")
        .hasMessageNotContaining(secrets.get("services.test.db.superuser-password").orElseThrow());
    assertThat(root.resolve("test/db/.initdb-password")).doesNotExist();
  }

  @Test
  void missingRedisNamesThePackageToInstall() {
    LocalServiceProvisioner provisioner =
        LocalServiceProvisioner.builder(root, secrets)
            .redisServer(root.resolve("redis-server"))
            .build();

    assertThatThrownBy(
            () -> provisioner.ensure("test", new ServiceSpec("cache", ServiceType.REDIS, Map.of())))
        .isInstanceOf(ServiceProvisioningException.class)
        .hasMessageContaining("Redis is not installed")
        .hasMessageContaining("install the package redis-server");
  }

  @Test
  void provisionsRedisWhenInstalled() throws IOException {
    Optional<Path> server =
        Optional.of(Path.of("/usr/bin/redis-server")).filter(Files::isExecutable);
    Assumptions.assumeTrue(
        server.isPresent(), "redis-server is not installed (package redis-server): skipped");
    ServiceSpec cache = new ServiceSpec("cache", ServiceType.REDIS, Map.of());
    ServiceEndpoint endpoint = provisioner().ensure("test", cache);

    assertThat(redis(endpoint, "AUTH " + endpoint.password() + "\r\nPING\r\n", 2))
        .containsExactly("+OK", "+PONG");
    assertThat(provisioner().ensure("test", cache).port()).isEqualTo(endpoint.port());
  }

  private static List<String> redis(ServiceEndpoint endpoint, String commands, int lines)
      throws IOException {
    try (Socket socket = new Socket(endpoint.host(), endpoint.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(commands.getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < lines; i++) {
        answers.add(in.readLine());
      }
      return answers;
    }
  }

  private long postmasterPid() throws IOException {
    return Long.parseLong(
        Files.readAllLines(root.resolve("test/db/data/postmaster.pid")).getFirst().strip());
  }

  private static Connection connect(ServiceEndpoint endpoint) throws SQLException {
    return DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password());
  }

  private static List<String> notes(ServiceEndpoint endpoint) throws SQLException {
    try (Connection c = connect(endpoint);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT text FROM note")) {
      List<String> result = new ArrayList<>();
      while (rs.next()) {
        result.add(rs.getString(1));
      }
      return result;
    }
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
