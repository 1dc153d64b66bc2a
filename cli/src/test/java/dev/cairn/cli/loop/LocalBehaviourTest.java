package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.behaviour.PipelineBehaviourSuite;
import dev.cairn.pipeline.behaviour.PipelineDriver;
import dev.cairn.pipeline.behaviour.SampleApp;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.run.RunRequest;
import dev.cairn.pipeline.runtime.EnvironmentState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The pipeline behaviour suite on the local driver: a real {@link LocalCairn} on a bare origin with
 * its post-receive hook, real build and release processes, manual actions through the authenticated
 * HTTP API as the CLI sends them, and the records read back from the origin's audit branch.
 */
class LocalBehaviourTest extends PipelineBehaviourSuite {

  @Override
  protected PipelineDriver driver(Path dir, SampleApp app) throws Exception {
    return new LocalDriver(LoopHarness.create(dir), app);
  }

  /** {@link PipelineDriver} over {@link LoopHarness}. */
  private static final class LocalDriver implements PipelineDriver {
    private final LoopHarness loop;
    private final SampleApp app;

    LocalDriver(LoopHarness loop, SampleApp app) {
      this.loop = loop;
      this.app = app;
    }

    @Override
    public String push(Change change) throws Exception {
      for (Map.Entry<String, String> file : change.write().entrySet()) {
        loop.write(file.getKey(), file.getValue());
      }
      for (String file : change.delete()) {
        loop.delete(file);
      }
      RevCommit commit = loop.commit(change.message());
      loop.push(commit);
      if (loop.cairn() == null) {
        loop.start();
      }
      return commit.getName();
    }

    @Override
    public RunResult awaitRun(String commit) throws Exception {
      return result(loop.awaitRun(commit));
    }

    @Override
    public RunResult redeliver(String commit) throws Exception {
      RevCommit parsed = loop.commitOf(commit);
      // What the commit watcher submits for a push it has not seen (it remembers the heads it
      // has, so a hook run again for the same push would start nothing).
      String run =
          loop.cairn()
              .pipelines()
              .submit(
                  RunRequest.pushed(commit, parsed.getTree().getName(), parsed.getShortMessage()));
      return result(loop.awaitEnd(run));
    }

    @Override
    public RunResult deployByHand(String environment, String commit) throws Exception {
      return manual(
          "/api/deploy",
          "{\"environment\": \"" + environment + "\", \"commit\": \"" + commit + "\"}");
    }

    @Override
    public RunResult rollbackByHand(String environment) throws Exception {
      return manual("/api/rollback", "{\"environment\": \"" + environment + "\"}");
    }

    private RunResult manual(String path, String body) throws Exception {
      HttpResponse<String> response = loop.api(path, body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      return result(loop.awaitEnd(Json.parse(response.body()).path("run").asText()));
    }

    private RunResult result(LoopHarness.Outcome outcome) {
      return new RunResult(
          outcome.status(),
          outcome.error(),
          outcome.cause(),
          loop.cairn().pipelines().run(outcome.runId()));
    }

    @Override
    public EnvironmentState environment(String name) {
      return loop.cairn().pipelines().ledger(name);
    }

    @Override
    public Optional<String> liveCommit(String environment) {
      return app.served(environment);
    }

    @Override
    public Optional<String> branchTip(String branch) throws Exception {
      return Optional.ofNullable(AuditTrails.branch(loop.origin, branch)).map(RevCommit::getName);
    }

    @Override
    public List<AuditRecord> records() throws Exception {
      await("every record is pushed to the audit branch")
          .atMost(Duration.ofSeconds(60))
          .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
      return AuditTrails.records(loop.origin);
    }

    @Override
    public void close() {
      loop.close();
    }
  }
}
