package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.secret.FileSecretStore;
import dev.cairn.pipeline.audit.AuditRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code cairn serve} whose audit records are written but not pushed (the
 * remote is unreachable): the next process on the same CAIRN_HOME pushes each of them exactly once.
 */
class AuditCrashTest {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir;

  private LoopHarness loop;
  private final List<CairnChild> children = new java.util.ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
  }

  @AfterEach
  void tearDown() {
    children.forEach(CairnChild::close);
    if (Files.isDirectory(loop.home.resolve("deployments"))) {
      ProcessDeployer deployer =
          new ProcessDeployer(
              loop.home.resolve("deployments"), new FileSecretStore(loop.home.resolve("secrets")));
      deployer.environments().forEach(deployer::destroy);
    }
    loop.close();
  }

  @Test
  void recordsWrittenButNotPushedWhenCairnIsKilledArePushedOnceByTheNextProcess() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    CairnChild before = start();
    before.awaitEvent("production", "deployed", first.getName().substring(0, 7));
    await("the first deployment's records are pushed")
        .atMost(Duration.ofSeconds(60))
        .until(() -> AuditTrails.records(loop.origin).size() >= 4);

    loop.write("README", "a second version\n");
    RevCommit second = loop.commit("tiny: a second version");
    loop.push(second);
    before.awaitEvent(null, "run-started", second.getName().substring(0, 7));
    // From here on the remote is unreachable: the records stay in the outbox.
    Path away = dir.resolve("origin-away.git");
    Files.move(loop.origin, away);
    before.awaitEvent("production", "deployed", second.getName().substring(0, 7));
    await("the deployment's records are written")
        .atMost(Duration.ofSeconds(60))
        .until(() -> outboxSize() >= 3);
    before.kill();
    int written = outboxSize();

    Files.move(away, loop.origin);
    start();
    await("the next process pushes the outbox")
        .atMost(Duration.ofSeconds(120))
        .until(() -> outboxSize() == 0 && hasDeployed(second));

    List<AuditRecord> records = AuditTrails.records(loop.origin);
    assertThat(new HashSet<>(records.stream().map(AuditRecord::id).toList()))
        .as("no record twice")
        .hasSize(records.size());
    assertThat(
            records.stream()
                .filter(r -> r.commit().equals(second.getName()))
                .map(r -> r.event().wireName())
                .toList())
        .containsExactly("run-started", "build-succeeded", "deployment-started", "deployed");
    assertThat(written).isGreaterThanOrEqualTo(3);
  }

  private boolean hasDeployed(RevCommit commit) throws IOException {
    return AuditTrails.records(loop.origin).stream()
        .anyMatch(
            r -> r.commit().equals(commit.getName()) && r.event().wireName().equals("deployed"));
  }

  private CairnChild start() throws IOException {
    CairnChild child = CairnChild.start(loop.home, loop.origin);
    children.add(child);
    return child;
  }

  private int outboxSize() throws IOException {
    Path outbox = loop.home.resolve("audit").resolve("outbox");
    if (!Files.isDirectory(outbox)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(outbox)) {
      return (int) files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
    }
  }
}
