package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.local.container.Podman;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.behaviour.PipelineBehaviourSuite;
import dev.cairn.pipeline.behaviour.PipelineDriver;
import dev.cairn.pipeline.behaviour.SampleApp;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.run.RunRequest;
import dev.cairn.pipeline.runtime.EnvironmentState;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The pipeline behaviour suite on the local driver: a real {@link LocalCairn} on a bare origin with
 * its post-receive hook, real build and release processes, manual actions through the authenticated
 * HTTP API as the CLI sends them, and the records read back from the origin's audit branch. The
 * image variant runs on real Podman ({@code FROM scratch} with the machine's static busybox, as
 * {@link ContainerReleaseTest}): the image built by {@code podman build}, the migration a one-off
 * container, the releases containers behind the same proxy.
 */
class LocalBehaviourTest extends PipelineBehaviourSuite {

  @Override
  protected PipelineDriver driver(Path dir, SampleApp app) throws Exception {
    return new LocalDriver(LoopHarness.create(dir), app);
  }

  /** {@link PipelineDriver} over {@link LoopHarness}. */
  private static final class LocalDriver implements PipelineDriver {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

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
    public Optional<String> liveArtifact(String environment) {
      return loop.cairn().deployer().live(environment).map(Release::artifactDigest);
    }

    @Override
    public List<String> migrated(String environment) {
      // The migration's output, as the one-off container printed it (SampleApp.MIGRATING).
      return loop.events.stream()
          .filter(e -> e.kind().equals(RunEvent.Kind.MIGRATE_OUTPUT.wireName()))
          .filter(e -> environment.equals(e.environment()))
          .filter(e -> e.message().startsWith(SampleApp.MIGRATING))
          .map(e -> e.message().substring(SampleApp.MIGRATING.length()).strip())
          .toList();
    }

    @Override
    public Optional<String> imagesUnavailable() {
      Optional<String> podman = Podman.fromPath().unavailable();
      if (podman.isPresent()) {
        return podman;
      }
      return Files.isExecutable(BUSYBOX)
          ? Optional.empty()
          : Optional.of("the sample's image needs /bin/busybox (busybox-static)");
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
      if (app.isImage() && Podman.fromPath().unavailable().isEmpty()) {
        removeImages();
      }
    }

    /** The images the runs built (Cairn itself never removes images: rollbacks need them). */
    private void removeImages() {
      List<String> images =
          podman("images", "--quiet", "--filter", "reference=localhost/cairn-" + app.name())
              .lines()
              .filter(l -> !l.isBlank())
              .distinct()
              .toList();
      if (!images.isEmpty()) {
        List<String> rmi = new ArrayList<>(List.of("rmi", "--force", "--ignore"));
        rmi.addAll(images);
        podman(rmi.toArray(String[]::new));
      }
    }

    private static String podman(String... args) {
      List<String> argv = new ArrayList<>(List.of("podman"));
      argv.addAll(List.of(args));
      try {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
      } catch (java.io.IOException e) {
        return "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
    }
  }
}
