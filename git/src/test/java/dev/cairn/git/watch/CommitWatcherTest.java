package dev.cairn.git.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.git.CommitInfo;
import dev.cairn.git.GitFixture;
import dev.cairn.git.RepositoryMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitWatcherTest {

  /** Long enough that only notifyPush or the first check can explain a delivery. */
  static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path tmp;
  GitFixture git;
  RepositoryMirror mirror;
  Path stateFile;
  final List<CommitInfo> delivered = new CopyOnWriteArrayList<>();
  final List<CommitWatcher> watchers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    git = GitFixture.create(tmp);
    mirror = RepositoryMirror.builder().remote(git.origin()).directory(tmp.resolve("m")).build();
    stateFile = tmp.resolve("state/last-delivered");
  }

  @AfterEach
  void tearDown() {
    watchers.forEach(CommitWatcher::close);
    mirror.close();
    git.close();
  }

  CommitWatcher watcher(Duration interval) throws IOException {
    return watcher(interval, delivered::add);
  }

  CommitWatcher watcher(Duration interval, Consumer<CommitInfo> listener) throws IOException {
    CommitWatcher w =
        CommitWatcher.builder()
            .mirror(mirror)
            .stateFile(stateFile)
            .listener(listener)
            .pollInterval(interval)
            .build();
    watchers.add(w);
    return w;
  }

  List<String> deliveredIds() {
    return delivered.stream().map(CommitInfo::id).toList();
  }

  static List<String> ids(RevCommit... commits) {
    return java.util.Arrays.stream(commits).map(RevCommit::name).toList();
  }

  @Test
  void deliversEachCommitOnceInOrderAcrossARestart() throws Exception {
    RevCommit a = git.commitAndPush("a");
    git.commitAndPush("b, already history when Cairn first looks");
    RevCommit c = git.commitAndPush("c");
    CommitWatcher first = watcher(NEVER);
    first.start();
    // With no memory yet, the current head is delivered, not the whole history.
    await().until(() -> deliveredIds().equals(ids(c)));
    first.close();
    assertThat(Files.readString(stateFile).strip()).isEqualTo(c.name());

    RevCommit d = git.commitAndPush("d");
    RevCommit e = git.commitAndPush("e");
    CommitWatcher second = watcher(NEVER);
    second.start();
    await().until(() -> deliveredIds().equals(ids(c, d, e)));

    RevCommit f = git.commitAndPush("f");
    second.notifyPush();
    await().until(() -> deliveredIds().equals(ids(c, d, e, f)));
    second.close();

    // A third start with nothing new delivers nothing; the check completing proves it looked.
    CommitWatcher third = watcher(NEVER);
    third.start();
    await().until(() -> third.status().lastSuccessAt().isPresent());
    assertThat(deliveredIds()).isEqualTo(ids(c, d, e, f)).doesNotContain(a.name());
    assertThat(third.status().lastDeliveredId()).contains(f.name());
  }

  @Test
  void aBurstOfTwentyPushesIsDeliveredInOrder() throws Exception {
    RevCommit base = git.commitAndPush("base");
    CommitWatcher w = watcher(Duration.ofMillis(20));
    w.start();
    await().until(() -> deliveredIds().equals(ids(base)));

    List<String> expected = new ArrayList<>(ids(base));
    for (int i = 1; i <= 20; i++) {
      expected.add(git.commitAndPush("burst " + i).name());
    }
    await().until(() -> deliveredIds().size() >= expected.size());
    assertThat(deliveredIds()).isEqualTo(expected);
  }

  @Test
  void pollingDetectsAPush() throws Exception {
    RevCommit a = git.commitAndPush("a");
    CommitWatcher w = watcher(Duration.ofMillis(100));
    w.start();
    await().until(() -> deliveredIds().equals(ids(a)));
    RevCommit b = git.commitAndPush("b");
    await().until(() -> deliveredIds().equals(ids(a, b)));
    await().until(() -> w.status().lastSuccessAt().isPresent());
  }

  @Test
  void notifyPushChecksWithoutWaitingForThePollInterval() throws Exception {
    RevCommit a = git.commitAndPush("a");
    CommitWatcher w = watcher(NEVER);
    w.start();
    await().until(() -> deliveredIds().equals(ids(a)));
    RevCommit b = git.commitAndPush("b");
    w.notifyPush();
    await().until(() -> deliveredIds().equals(ids(a, b)));
  }

  @Test
  void aForcePushDeliversOnlyTheNewHead() throws Exception {
    RevCommit a = git.commitAndPush("a");
    CommitWatcher w = watcher(NEVER);
    w.start();
    await().until(() -> deliveredIds().equals(ids(a)));
    RevCommit b = git.commitAndPush("b");
    w.notifyPush();
    await().until(() -> deliveredIds().equals(ids(a, b)));

    git.work().reset().setMode(ResetCommand.ResetType.HARD).setRef(a.name()).call();
    git.commit("x, replacing b");
    RevCommit y = git.commit("y, replacing b");
    git.forcePush();
    w.notifyPush();
    await().until(() -> deliveredIds().equals(ids(a, b, y)));

    RevCommit z = git.commitAndPush("z");
    w.notifyPush();
    await().until(() -> deliveredIds().equals(ids(a, b, y, z)));
  }

  @Test
  void anUnreachableRemoteIsRetriedAndNothingIsLost() throws Exception {
    RevCommit a = git.commitAndPush("a");
    CommitWatcher w = watcher(NEVER);
    w.start();
    await().until(() -> deliveredIds().equals(ids(a)));

    Path moved = tmp.resolve("origin-away.git");
    Files.move(git.origin(), moved);
    RevCommit b = git.commit("b");
    RevCommit c = git.commit("c");
    git.push(moved, false);
    w.notifyPush();
    await().until(() -> w.status().lastError().isPresent());
    assertThat(w.status().lastError().get()).contains("origin.git");
    assertThat(deliveredIds()).isEqualTo(ids(a));

    Files.move(moved, git.origin());
    w.notifyPush();
    await().until(() -> deliveredIds().equals(ids(a, b, c)));
    await().until(() -> w.status().lastError().isEmpty());
    assertThat(w.status().needsAttention()).isFalse();
  }

  @Test
  void aCommitTheListenerRejectsIsOfferedAgain() throws Exception {
    RevCommit a = git.commitAndPush("a");
    AtomicBoolean failOnce = new AtomicBoolean(true);
    CommitWatcher w =
        watcher(
            NEVER,
            commit -> {
              if (!commit.id().equals(a.name()) && failOnce.getAndSet(false)) {
                throw new IllegalStateException("run store is down");
              }
              delivered.add(commit);
            });
    w.start();
    await().until(() -> deliveredIds().equals(ids(a)));
    RevCommit b = git.commitAndPush("b");
    RevCommit c = git.commitAndPush("c");
    w.notifyPush();
    await().until(() -> w.status().lastError().isPresent());
    assertThat(w.status().lastError().get()).contains(b.name()).contains("run store is down");
    assertThat(deliveredIds()).isEqualTo(ids(a));

    w.notifyPush();
    await().until(() -> deliveredIds().equals(ids(a, b, c)));
  }

  @Test
  void aBranchNobodyHasPushedYetIsWaitedForWithoutAnError() throws Exception {
    Logger log = Logger.getLogger(CommitWatcher.class.getName());
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logged.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(handler);
    try {
      CommitWatcher w = watcher(NEVER);
      w.start();
      await().until(() -> w.status().lastSuccessAt().isPresent());
      assertThat(w.status().lastError()).isEmpty();
      assertThat(w.status().needsAttention()).isFalse();
      w.notifyPush();

      RevCommit a = git.commitAndPush("a");
      w.notifyPush();
      await().until(() -> deliveredIds().equals(ids(a)));
      assertThat(logged)
          .allSatisfy(r -> assertThat(r.getLevel().intValue()).isLessThanOrEqualTo(800))
          .filteredOn(r -> r.getMessage().contains("first push to branch main"))
          .hasSize(1);
    } finally {
      log.removeHandler(handler);
    }
  }

  @Test
  void hostileBranchNamesAndMessagesAreData() throws Exception {
    String branch = "x;touch${IFS}pwned$(touch${IFS}pwned)'\"`id`|&é😀";
    git.commitAndPush("base");
    git.newBranch(branch);
    String message = "Fix \"quotes\" 'and' $(touch pwned) `touch pwned`; rm -rf / #\nsecond line";
    RevCommit hostile = git.commit(message);
    git.push();
    mirror.close();
    mirror =
        RepositoryMirror.builder()
            .remote(git.origin())
            .directory(tmp.resolve("m2"))
            .branch(branch)
            .build();

    CommitWatcher w = watcher(NEVER);
    w.start();
    await().until(() -> deliveredIds().equals(ids(hostile)));
    assertThat(delivered.get(0).shortMessage())
        .isEqualTo("Fix \"quotes\" 'and' $(touch pwned) `touch pwned`; rm -rf / # second line");
    assertThat(w.status().branch()).isEqualTo(branch);
    try (var files = Files.walk(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("pwned"))).isEmpty();
    }
    assertThat(Path.of("pwned")).doesNotExist();
  }

  @Test
  void aCorruptStateFileIsRefusedWithAClearMessage() throws Exception {
    Files.createDirectories(stateFile.getParent());
    Files.writeString(stateFile, "not a commit\n");
    assertThatThrownBy(() -> watcher(NEVER))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(stateFile.toString())
        .hasMessageContaining("does not hold a commit id");
  }

  @Test
  void aNonPositivePollIntervalIsRefused() {
    assertThatThrownBy(() -> CommitWatcher.builder().pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
