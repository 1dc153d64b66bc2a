package dev.cairn.git.revert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.git.GitFixture;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.port.SourceReverter.Reverted;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitReverterTest {
  @TempDir Path dir;
  private GitFixture fixture;
  private GitReverter reverter;
  private RevCommit good;
  private RevCommit bad;

  @BeforeEach
  void setUp() throws Exception {
    fixture = GitFixture.create(dir);
    fixture.commit("app.txt", "version 1\n", "app: first version");
    fixture.commit("other.txt", "untouched\n", "other: a file the bad commit leaves alone");
    good = fixture.commit("app.txt", "version 1\n", "app: nothing changed");
    fixture.push();
    bad = fixture.commit("app.txt", "version 2, broken\n", "app: cache responses");
    fixture.push();
    reverter =
        GitReverter.builder()
            .remote(fixture.origin())
            .branch("main")
            .repository(dir.resolve("revert.git"))
            .build();
  }

  @AfterEach
  void tearDown() {
    reverter.close();
    fixture.close();
  }

  @Test
  void ontoMainPushesARevertCommitWhoseTreeIsTheGoodOne() throws Exception {
    Reverted reverted = reverter.revert(bad.name(), true);

    assertThat(reverted.branch()).isEqualTo("main");
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      RevCommit tip = walk.parseCommit(origin.resolve("refs/heads/main"));
      assertThat(tip.name()).isEqualTo(reverted.commit());
      assertThat(tip.getParent(0)).isEqualTo(bad);
      assertThat(tip.getShortMessage()).isEqualTo("Revert \"app: cache responses\"");
      assertThat(tip.getFullMessage()).contains("This reverts commit " + bad.name() + ".");
      assertThat(tip.getFooterLines("Cairn-Reverts")).containsExactly(bad.name());
      // Equal trees: Cairn reuses the good commit's artifact for the revert.
      assertThat(tip.getTree()).isEqualTo(walk.parseCommit(good).getTree());
    }
  }

  @Test
  void ontoABranchLeavesMainAlone() throws Exception {
    Reverted reverted = reverter.revert(bad.name(), false);

    String review = "cairn/revert/" + bad.name().substring(0, 7);
    assertThat(reverted.branch()).isEqualTo(review);
    assertThat(fixture.originRef("refs/heads/main")).isEqualTo(bad.getId());
    assertThat(fixture.originRef("refs/heads/" + review).name()).isEqualTo(reverted.commit());
    assertThat(fileAt(reverted.commit(), "app.txt")).isEqualTo("version 1\n");
  }

  @Test
  void whenMainMovesMeanwhileTheRevertGoesToAReviewBranchWithoutForce() throws Exception {
    RevCommit[] newer = new RevCommit[1];
    reverter.beforePush(
        () -> {
          try {
            newer[0] = fixture.commit("notes.txt", "more\n", "notes: a newer commit");
            fixture.push();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    Reverted reverted = reverter.revert(bad.name(), true);

    String review = "cairn/revert/" + bad.name().substring(0, 7);
    assertThat(reverted.branch()).isEqualTo(review);
    assertThat(reverted.explanation()).contains("main moved").contains("not forced");
    assertThat(fixture.originRef("refs/heads/main")).isEqualTo(newer[0].getId());
    assertThat(fixture.originRef("refs/heads/" + review).name()).isEqualTo(reverted.commit());
  }

  @Test
  void aRevertThatConflictsWithLaterCommitsIsNotPushed() throws Exception {
    fixture.commit("app.txt", "version 3, built on the broken one\n", "app: build on it");
    fixture.push();
    ObjectId before = fixture.originRef("refs/heads/main");

    assertThatThrownBy(() -> reverter.revert(bad.name(), true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("conflicts with later commits on main")
        .hasMessageContaining("app.txt");
    assertThat(fixture.originRef("refs/heads/main")).isEqualTo(before);
  }

  @Test
  void anUnreachableRemoteIsAClearErrorWithoutTheSecret() throws Exception {
    try (GitReverter unreachable =
        GitReverter.builder()
            .remote("http://cairn:canary-s3cret@127.0.0.1:1/app.git")
            .credentials(() -> new RemoteCredentials("cairn", "canary-token"))
            .timeout(Duration.ofSeconds(5))
            .repository(dir.resolve("unreachable.git"))
            .build()) {
      assertThatThrownBy(() -> unreachable.revert(bad.name(), true))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("http://127.0.0.1:1/app.git")
          .satisfies(
              e -> assertThat(withCauses(e)).doesNotContain("canary-s3cret", "canary-token"));
    }
  }

  /** The exception as a log would print it, causes and all. */
  private static String withCauses(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private String fileAt(String commit, String path) throws IOException {
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
      try (TreeWalk tw = TreeWalk.forPath(origin, path, c.getTree())) {
        return new String(origin.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
