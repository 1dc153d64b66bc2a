package dev.cairn.aws.lambda.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit writer against a real git host on loopback (smart HTTP, token checked): the record
 * becomes a commit on {@code cairn/audit}, a second delivery of the same record adds nothing, a
 * wrong token fails the invocation without leaking the token.
 */
class AuditWriterHandlerTest {
  private static final String TOKEN = "ghp_writer-test-token-4711";

  @TempDir Path dir;
  private GitHttpServer git;
  private String remote;
  private String commit;

  @BeforeEach
  void setUp() throws Exception {
    git = GitHttpServer.start(TOKEN);
    Path bare = dir.resolve("app.git");
    commit =
        TestRepositories.bareWithCommits(bare, dir.resolve("work"), Map.of("a.txt", "a"), "add a")
            .get(0);
    remote = git.serve("app", bare);
  }

  @AfterEach
  void tearDown() {
    git.close();
  }

  private AuditWriterHandler writer(String token) {
    return new AuditWriterHandler(
        MapSecrets.of("git-token", token),
        new AuditWriterHandler.Config(
            remote, "git-token", dir.resolve("lambda-tmp"), Duration.ofSeconds(10)));
  }

  private AuditRecord record() {
    return AuditRecord.builder()
        .id(AuditRecord.newId(Clock.systemUTC()))
        .event(AuditEvent.DEPLOYED)
        .occurredAt(Instant.parse("2026-11-26T06:00:00Z"))
        .duration(Duration.ofSeconds(42))
        .run("000001-" + commit.substring(0, 7))
        .trigger(new AuditTrigger(AuditTrigger.Kind.PUSH, "dev"))
        .commit(commit)
        .environment("production")
        .artifact("sha256:" + "ab".repeat(32))
        .cairnVersion("test")
        .build();
  }

  private static String invoke(AuditWriterHandler handler, String input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void appendsTheRecordToTheTrailOverHttpWithTheToken() throws Exception {
    AuditRecord record = record();

    String output = invoke(writer(TOKEN), "{\"record\":" + record.toJson() + "}");

    JsonNode result = Json.parse(output);
    assertThat(result.path("recorded").asText()).isEqualTo(record.id());
    List<RevCommit> trail = TestRepositories.log(dir.resolve("app.git"), "refs/heads/cairn/audit");
    assertThat(trail).hasSize(1);
    assertThat(trail.get(0).getFullMessage()).contains(record.id());
    assertThat(git.pushes()).isPositive();
  }

  @Test
  void theSameRecordTwiceIsOneCommit() throws Exception {
    AuditRecord record = record();

    invoke(writer(TOKEN), record.toJson());
    invoke(writer(TOKEN), record.toJson());

    assertThat(TestRepositories.log(dir.resolve("app.git"), "refs/heads/cairn/audit")).hasSize(1);
  }

  @Test
  void aWrongTokenFailsTheInvocationWithoutNamingTheToken() {
    AuditRecord record = record();

    assertThatThrownBy(() -> invoke(writer("wrong-token-0815"), record.toJson()))
        .isInstanceOf(AuditNotDeliveredException.class)
        .hasMessageContaining(record.id())
        .hasMessageNotContaining("wrong-token-0815")
        .hasMessageNotContaining(TOKEN);
    assertThat(git.unauthorizedRequests()).isPositive();
  }

  @Test
  void anInvalidRecordIsRejectedWithTheFieldNamed() {
    assertThatThrownBy(() -> invoke(writer(TOKEN), "{\"schema\":\"cairn.audit/v1\",\"id\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
