package dev.cairn.aws.lambda.lastgood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.lambda.audit.AuditWriterHandler;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.lambda.testing.MapSecrets;
import dev.cairn.aws.lambda.testing.TestRepositories;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last-good lookup reads the trail the audit writer wrote, over HTTP with the token, and
 * derives the environment's last good release from the records alone.
 */
class LastGoodHandlerTest {
  private static final String TOKEN = "ghp_lookup-token";

  @TempDir Path dir;
  private GitHttpServer git;
  private String template;
  private List<String> commits;

  @BeforeEach
  void setUp() throws Exception {
    git = GitHttpServer.start(TOKEN);
    Path bare = dir.resolve("notes.git");
    commits =
        TestRepositories.bareWithCommits(
            bare, dir.resolve("work"), Map.of("v.txt", "{n}"), "one", "two", "three");
    git.serve("octo/notes", bare);
    template = git.uri() + "{repository}.git";
  }

  @AfterEach
  void tearDown() {
    git.close();
  }

  private void write(AuditEvent event, String commit, String environment, int minute)
      throws Exception {
    write(event, commit, environment, minute, null);
  }

  private void write(
      AuditEvent event, String commit, String environment, int minute, String rolledBackTo)
      throws Exception {
    AuditRecord record =
        AuditRecord.builder()
            .rolledBackTo(rolledBackTo)
            .id(AuditRecord.newId(Clock.systemUTC()))
            .event(event)
            .occurredAt(Instant.parse("2026-11-26T06:00:00Z").plusSeconds(60L * minute))
            .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
            .commit(commit)
            .environment(environment)
            .artifact("sha256:" + commit.substring(0, 8).repeat(8))
            .cairnVersion("test")
            .build();
    new AuditWriterHandler(
            MapSecrets.of("token", TOKEN),
            new AuditWriterHandler.Config(
                template, "token", dir.resolve("writer"), Duration.ofSeconds(10)))
        .write(record.toJsonNode(), "octo/notes");
  }

  private JsonNode lookup(String environment) throws Exception {
    LastGoodHandler handler =
        new LastGoodHandler(template, MapSecrets.of("token", TOKEN), "token", dir.resolve("l"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String input = "{\"repository\":\"octo/notes\",\"environment\":\"" + environment + "\"}";
    handler.handleRequest(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theLastGoodReleaseSkipsTheRolledBackCommit() throws Exception {
    write(AuditEvent.DEPLOYED, commits.get(0), "production", 1);
    write(AuditEvent.DEPLOYED, commits.get(1), "production", 2);
    write(AuditEvent.DEPLOYED, commits.get(2), "staging", 3);
    write(AuditEvent.DEPLOYED, commits.get(2), "production", 4);
    // A rollback by hand of the release that had passed its bake: back to the one before.
    write(AuditEvent.ROLLED_BACK, commits.get(2), "production", 5, commits.get(1));

    JsonNode production = lookup("production");
    JsonNode staging = lookup("staging");

    assertThat(production.path("found").asBoolean()).isTrue();
    assertThat(production.path("commit").asText()).isEqualTo(commits.get(1));
    assertThat(production.path("artifact").asText())
        .isEqualTo("sha256:" + commits.get(1).substring(0, 8).repeat(8));
    assertThat(staging.path("commit").asText()).isEqualTo(commits.get(2));
    assertThat(staging.path("found").asBoolean()).isTrue();
  }

  @Test
  void anEnvironmentNeverDeployedHasNoLastGood() throws Exception {
    assertThat(lookup("production").path("found").asBoolean()).isFalse();
    write(AuditEvent.DEPLOYED, commits.get(0), "staging", 1);
    assertThat(lookup("production").path("found").asBoolean()).isFalse();
  }

  @Test
  void aWrongTokenIsAnErrorNotAnEmptyAnswer() {
    LastGoodHandler handler =
        new LastGoodHandler(template, MapSecrets.of("token", "nope"), "token", dir.resolve("l"));
    assertThatThrownBy(
            () ->
                handler.lookup(
                    Json.parse("{\"repository\":\"octo/notes\",\"environment\":\"production\"}")))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageNotContaining("nope");
  }
}
