package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.audit.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job killed from outside (the OOM killer, an operator's {@code kill -9}) is an infrastructure
 * failure: {@link CairnError#TRANSIENT}, which the state machine retries, never the commit's build
 * or migration failure.
 */
class KilledJobTest {
  private static final String ENV = "production";

  @TempDir Path work;
  private RuntimeFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new RuntimeFixture(work);
  }

  private static String pipeline(String buildSteps, String migrate) {
    return """
        name: app
        build:
          steps:
        %s
          artifact: app.txt
        environments:
          - name: production
            app: {start: ./run, port: 8080}
            %s
            health: {path: /health, failure-threshold: 1}
            bake: 0s
        """
        .formatted(buildSteps, migrate);
  }

  @Test
  void aKilledBuildIsTransientIsNotTheCommitsFailureAndItsRetryStartsClean() {
    fixture.kills.set(1);
    String commit =
        fixture.commit(
            pipeline(
                """
                    - run: write half-built.txt partial
                    - run: killed
                    - run: write app.txt v1
                """,
                ""));
    String run = fixture.submit(commit, RunFacts.Trigger.PUSH, null);
    fixture.runtime.validate(run);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.TRANSIENT);
              assertThat(f.error()).isEqualTo("Cairn.Transient");
              assertThat(f.cause())
                  .isEqualTo("the build was killed from outside (signal 9); retrying");
            });
    assertThat(fixture.runs.get(run).buildFailure()).isNull();
    assertThat(fixture.kinds()).doesNotContain("build-failed");
    assertThat(fixture.audit.records()).noneMatch(r -> r.event() == AuditEvent.BUILD_FAILED);
    // The half-built output is gone: the retry checks the commit out afresh.
    Path workspace = fixture.jobs.get(0).workspace();
    assertThat(workspace).doesNotExist();

    String digest = fixture.runtime.build(run);

    assertThat(digest).isNotBlank();
    assertThat(fixture.jobs).hasSize(2);
    assertThat(fixture.runs.get(run).artifact()).isEqualTo(digest);
    assertThat(fixture.runs.get(run).buildFailure()).isNull();
    assertThat(fixture.recordEvents()).containsExactly("run-started", "build-succeeded");
  }

  @Test
  void aKilledMigrationIsTransientNotAMigrationFailure() throws Exception {
    String commit =
        fixture.commit(pipeline("    - run: write app.txt v1", "migrate: {run: killed}"));
    String run = fixture.submit(commit, RunFacts.Trigger.PUSH, null);
    fixture.runtime.validate(run);
    fixture.runtime.build(run);
    String token = "token-" + run + "-" + ENV;
    fixture.runtime.enqueue(run, ENV, token);
    fixture.runtime.plan(run, ENV);
    fixture.kills.set(1);

    assertThatThrownBy(() -> fixture.runtime.apply(run, ENV))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.TRANSIENT);
              assertThat(f.cause())
                  .isEqualTo("the migration was killed from outside (signal 9); retrying");
            });
    assertThat(Files.exists(work)).isTrue();
    // The events that bound the queue wait and the migration for the metrics.
    assertThat(fixture.kinds())
        .containsSubsequence("queued", "deploy-started", "migrate-started", "migrated")
        .doesNotContain("switched");
  }
}
