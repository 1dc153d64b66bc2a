package dev.cairn.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service end to end: migrate, then serve, against a real PostgreSQL over HTTP. */
class NotesServiceTest {
  private static final String COMMIT = "3f2c1a9e0b7d";

  @TempDir static Path temp;

  private static TestPostgres postgres;
  private static NotesServer server;
  private static Http http;
  private static Path workingDirectory;
  private static final ByteArrayOutputStream requestLog = new ByteArrayOutputStream();
  private static String firstMigrateOutput;

  @BeforeAll
  static void startDatabaseMigrateAndServe() throws Exception {
    postgres = TestPostgres.start(temp);
    Outcome migrate = runMain(postgres.env(), "migrate");
    assertThat(migrate.code()).as(migrate.err()).isEqualTo(Main.OK);
    firstMigrateOutput = migrate.out();

    workingDirectory = Files.createDirectory(temp.resolve("release"));
    Map<String, String> env = new HashMap<>(postgres.env());
    env.put("PORT", "0");
    env.put("CAIRN_COMMIT", COMMIT);
    server =
        NotesServer.start(
            Settings.fromEnvironment(env),
            workingDirectory,
            new PrintStream(requestLog, true, StandardCharsets.UTF_8));
    http = new Http(server.port());
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (server != null) {
      server.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void migrateAppliesTheMigrationsOnceAndIsIdempotent() {
    assertThat(firstMigrateOutput).contains("applied 2 migration(s); schema version 2");

    Outcome again = runMain(postgres.env(), "migrate");

    assertThat(again.code()).isEqualTo(Main.OK);
    assertThat(again.out()).contains("applied 0 migration(s); schema version 2");
  }

  @Test
  void aPostedNoteIsStoredAndReadBack() throws Exception {
    String text = "buy \"milk\" \\ and bread\nthen café ☕";

    HttpResponse<String> created = http.post("/notes", "{\"text\": " + Json.quote(text) + "}");

    assertThat(created.statusCode()).isEqualTo(201);
    @SuppressWarnings("unchecked")
    Map<String, Object> note = (Map<String, Object>) Json.parse(created.body());
    assertThat(note.keySet()).containsExactly("id", "text", "createdAt");
    assertThat(note.get("text")).isEqualTo(text);
    assertThat(Instant.parse((String) note.get("createdAt")))
        .isBefore(Instant.now().plusSeconds(60));
    String id = note.get("id").toString();
    assertThat(created.headers().firstValue("Location")).hasValue("/notes/" + id);

    HttpResponse<String> read = http.get("/notes/" + id);

    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(created.body());
    assertThat(read.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
  }

  @Test
  void theListIsNewestFirst() throws Exception {
    String older = http.post("/notes", "{\"text\":\"older note\"}").body();
    String newer = http.post("/notes", "{\"text\":\"newer note\"}").body();

    HttpResponse<String> list = http.get("/notes");

    assertThat(list.statusCode()).isEqualTo(200);
    List<?> notes = (List<?>) Json.parse(list.body());
    List<Object> texts = notes.stream().<Object>map(n -> ((Map<?, ?>) n).get("text")).toList();
    assertThat(texts).containsSubsequence("newer note", "older note");
    assertThat(list.body()).contains(newer).contains(older);
  }

  @Test
  void badRequestsGetClearClientErrors() throws Exception {
    assertThat(http.post("/notes", "{\"text\": ").statusCode()).isEqualTo(400);
    assertThat(http.post("/notes", "[]").statusCode()).isEqualTo(400);
    assertThat(http.post("/notes", "{\"text\": 5}").statusCode()).isEqualTo(400);
    HttpResponse<String> blank = http.post("/notes", "{\"text\": \"  \"}");
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(Json.parse(blank.body()))
        .isEqualTo(Map.of("error", "\"text\" must be a non-empty string"));
    assertThat(http.post("/notes", "{\"text\": \"a\\u0000b\"}").statusCode()).isEqualTo(400);
    assertThat(http.post("/notes", "{\"text\":\"" + "x".repeat(70_000) + "\"}").statusCode())
        .isEqualTo(413);
    assertThat(http.get("/notes/987654321").statusCode()).isEqualTo(404);
    assertThat(http.get("/notes/abc").statusCode()).isEqualTo(404);
    assertThat(http.get("/nothing-here").statusCode()).isEqualTo(404);
    HttpResponse<String> delete = http.send("DELETE", "/notes", null);
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("GET, POST");
  }

  @Test
  void healthIsOkWhileTheDatabaseAnswers() throws Exception {
    HttpResponse<String> health = http.get("/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void versionShowsTheDeployedCommitAndTheBuildVersion() throws Exception {
    HttpResponse<String> version = http.get("/version");

    assertThat(version.statusCode()).isEqualTo(200);
    assertThat(Json.parse(version.body()))
        .isEqualTo(
            Map.of("commit", COMMIT, "version", System.getProperty("notes.expectedVersion")));
  }

  @Test
  void theFailHealthFileMakesHealthFailUntilRemoved() throws Exception {
    Path switchFile = workingDirectory.resolve(NotesServer.FAIL_HEALTH_FILE);
    Files.writeString(switchFile, "");
    try {
      HttpResponse<String> failing = http.get("/health");

      assertThat(failing.statusCode()).isEqualTo(500);
      assertThat(failing.body()).contains("\"status\":\"failing\"").contains("FAIL_HEALTH");
    } finally {
      Files.delete(switchFile);
    }
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void theEnvironmentSwitchMakesHealthFail() throws Exception {
    Map<String, String> env = new HashMap<>(postgres.env());
    env.put("PORT", "0");
    env.put("NOTES_HEALTH_FAIL", "1");
    try (NotesServer bad =
        NotesServer.start(
            Settings.fromEnvironment(env),
            workingDirectory,
            new PrintStream(new ByteArrayOutputStream()))) {
      HttpResponse<String> health = new Http(bad.port()).get("/health");

      assertThat(health.statusCode()).isEqualTo(500);
      assertThat(health.body()).contains("NOTES_HEALTH_FAIL=1");
    }
  }

  @Test
  void everyRequestIsLoggedOnOneLineWithoutThePassword() throws Exception {
    http.get("/notes/424242");

    await()
        .untilAsserted(
            () -> assertThat(log()).containsPattern("(?m)^\\S+ GET /notes/424242 404 \\d+ms$"));
    assertThat(log()).doesNotContain(TestPostgres.PASSWORD);
  }

  @Test
  void servingNeverMigrates() throws Exception {
    Map<String, String> env = new HashMap<>(postgres.env());
    String freshUrl = postgres.createDatabase("fresh");
    env.put("DATABASE_URL", freshUrl);
    env.put("PORT", "0");
    try (NotesServer unmigrated =
        NotesServer.start(
            Settings.fromEnvironment(env),
            workingDirectory,
            new PrintStream(new ByteArrayOutputStream()))) {
      Http client = new Http(unmigrated.port());

      assertThat(client.get("/health").statusCode()).isEqualTo(200);
      assertThat(client.get("/notes").statusCode()).isEqualTo(503);
    }
    try (Connection connection =
            DriverManager.getConnection(freshUrl, TestPostgres.USER, TestPostgres.PASSWORD);
        ResultSet tables = connection.getMetaData().getTables(null, "public", "%", null)) {
      assertThat(tables.next()).as("tables in the unmigrated database").isFalse();
    }
  }

  @Test
  void aFailedMigrationExitsNonZeroWithAClearMessageAndNoPassword() {
    Map<String, String> env = new HashMap<>(postgres.env());
    env.put("DATABASE_PASSWORD", "wrong-" + TestPostgres.PASSWORD);

    Outcome migrate = runMain(env, "migrate");

    assertThat(migrate.code()).isEqualTo(Main.MIGRATION_FAILED);
    assertThat(migrate.err())
        .startsWith("notes migrate failed: ")
        .contains("password authentication failed");
    assertThat(migrate.err() + migrate.out()).doesNotContain(TestPostgres.PASSWORD);
  }

  @Test
  void wrongInvocationsAreUsageErrors() {
    assertThat(runMain(postgres.env(), "migrate", "now").code()).isEqualTo(Main.USAGE);
    assertThat(runMain(postgres.env(), "serve-and-migrate").err()).contains("usage:");
    Outcome noUrl = runMain(Map.of(), "migrate");
    assertThat(noUrl.code()).isEqualTo(Main.USAGE);
    assertThat(noUrl.err()).contains("DATABASE_URL is not set");
    Map<String, String> badPort = new HashMap<>(postgres.env());
    badPort.put("PORT", "http");
    assertThat(runMain(badPort).err()).contains("PORT must be a number from 0 to 65535");
  }

  private static String log() {
    return requestLog.toString(StandardCharsets.UTF_8);
  }

  private static Outcome runMain(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            env,
            workingDirectory == null ? temp : workingDirectory,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Outcome(int code, String out, String err) {}
}
