package dev.cairn.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health follows the database: 503 while it is down, 200 again once it is back. */
class DatabaseOutageTest {
  @TempDir Path temp;

  private TestPostgres postgres;
  private NotesServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void healthIsUnavailableWhileTheDatabaseIsDown() throws Exception {
    postgres = TestPostgres.start(temp);
    ByteArrayOutputStream ignored = new ByteArrayOutputStream();
    assertThat(
            Main.run(
                new String[] {"migrate"},
                postgres.env(),
                temp,
                new PrintStream(ignored),
                new PrintStream(ignored)))
        .isEqualTo(Main.OK);
    Map<String, String> env = new HashMap<>(postgres.env());
    env.put("PORT", "0");
    server = NotesServer.start(Settings.fromEnvironment(env), temp, new PrintStream(ignored));
    Http http = new Http(server.port());
    assertThat(http.get("/health").statusCode()).isEqualTo(200);

    postgres.stopServer();

    HttpResponse<String> down = http.get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).contains("\"status\":\"unavailable\"");
    assertThat(http.get("/notes").statusCode()).isEqualTo(503);

    postgres.startServer();

    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    assertThat(http.post("/notes", "{\"text\":\"after the outage\"}").statusCode()).isEqualTo(201);
  }
}
