package dev.cairn.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryMirrorTest {

  @TempDir Path tmp;
  GitFixture git;
  RepositoryMirror mirror;

  @BeforeEach
  void setUp() throws Exception {
    git = GitFixture.create(tmp);
    mirror = RepositoryMirror.builder().remote(git.origin()).directory(tmp.resolve("m")).build();
  }

  @AfterEach
  void tearDown() {
    mirror.close();
    git.close();
  }

  @Test
  void fetchReturnsTheHeadFirstThenNewCommitsOldestFirst() throws Exception {
    RevCommit a = git.commitAndPush("first");

    List<CommitInfo> first = mirror.fetch();
    assertThat(first).extracting(CommitInfo::id).containsExactly(a.name());
    CommitInfo info = first.get(0);
    assertThat(info.treeId()).isEqualTo(a.getTree().name());
    assertThat(info.parents()).isEmpty();
    assertThat(info.authorName()).isEqualTo("Ada Tester");
    assertThat(info.authorEmail()).isEqualTo("ada@example.org");
    assertThat(info.shortMessage()).isEqualTo("first");
    assertThat(info.commitTime()).isEqualTo(a.getCommitterIdent().getWhenAsInstant());

    RevCommit b = git.commitAndPush("second");
    RevCommit c = git.commitAndPush("third");
    List<CommitInfo> next = mirror.fetch();
    assertThat(next).extracting(CommitInfo::id).containsExactly(b.name(), c.name());
    assertThat(next.get(1).parents()).containsExactly(b.name());
    assertThat(mirror.fetch()).isEmpty();
    assertThat(mirror.head()).contains(c.name());
  }

  @Test
  void mirrorSurvivesReopening() throws Exception {
    RevCommit a = git.commitAndPush("first");
    mirror.fetch();
    mirror.close();
    mirror = RepositoryMirror.builder().remote(git.origin()).directory(tmp.resolve("m")).build();
    assertThat(mirror.head()).contains(a.name());
    RevCommit b = git.commitAndPush("second");
    assertThat(mirror.fetch()).extracting(CommitInfo::id).containsExactly(b.name());
  }

  @Test
  void refLocksLeftByAKilledProcessAreRemovedButFreshOnesRespected() throws Exception {
    git.commitAndPush("first");
    mirror.fetch();
    RevCommit b = git.commitAndPush("second");
    Path mirrorDir = tmp.resolve("m");
    // What a process killed in the middle of a fetch leaves: its ref locks.
    List<Path> locks =
        List.of(
            mirrorDir.resolve("packed-refs.lock"),
            Files.createDirectories(mirrorDir.resolve("refs/heads")).resolve("main.lock"));
    for (Path lock : locks) {
      Files.writeString(lock, "");
    }

    // Just written: possibly held by a live writer, so the fetch fails and leaves them.
    assertThatThrownBy(mirror::fetch)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("LOCK_FAILURE");
    assertThat(locks).allMatch(Files::exists);

    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.from(
            java.time.Instant.now().minus(RepositoryMirror.STALE_LOCK).minusSeconds(1));
    for (Path lock : locks) {
      Files.setLastModifiedTime(lock, old);
    }
    assertThat(mirror.fetch()).extracting(CommitInfo::id).containsExactly(b.name());
    assertThat(locks).noneMatch(Files::exists);
  }

  @Test
  void lsRemoteHeadAsksWithoutFetching() throws Exception {
    RevCommit a = git.commitAndPush("first");
    assertThat(mirror.lsRemoteHead("main")).contains(a.name());
    assertThat(mirror.lsRemoteHead("no-such-branch")).isEmpty();
    assertThat(mirror.head()).isEmpty();
    assertThat(mirror.commit(a.name())).isEmpty();
  }

  @Test
  void otherBranchesAndTagsAreMirroredToo() throws Exception {
    git.commitAndPush("first");
    git.work().tag().setName("v1").setAnnotated(false).call();
    git.work().push().setRemote(git.origin().toString()).setPushTags().call();
    git.newBranch("feature");
    RevCommit f = git.commitAndPush("feature work");
    mirror.fetch();
    assertThat(mirror.repository().exactRef("refs/heads/feature").getObjectId().name())
        .isEqualTo(f.name());
    assertThat(mirror.repository().exactRef("refs/tags/v1")).isNotNull();
  }

  @Test
  void forcePushIsMirroredAndReportedAsRewritten() throws Exception {
    RevCommit a = git.commitAndPush("a");
    RevCommit b = git.commitAndPush("b");
    mirror.fetch();
    git.work().reset().setMode(ResetCommand.ResetType.HARD).setRef(a.name()).call();
    RevCommit x = git.commit("x");
    git.forcePush();

    assertThat(mirror.fetch()).extracting(CommitInfo::id).containsExactly(x.name());
    assertThat(mirror.head()).contains(x.name());
    NewCommits since = mirror.newCommitsSince(b.name());
    assertThat(since.rewritten()).isTrue();
    assertThat(since.commits()).extracting(CommitInfo::id).containsExactly(x.name());
    assertThat(mirror.newCommitsSince(a.name()).rewritten()).isFalse();
  }

  @Test
  void unknownCommitCountsAsRewritten() throws Exception {
    RevCommit a = git.commitAndPush("a");
    mirror.fetch();
    NewCommits since = mirror.newCommitsSince("0123456789012345678901234567890123456789");
    assertThat(since.rewritten()).isTrue();
    assertThat(since.commits()).extracting(CommitInfo::id).containsExactly(a.name());
  }

  @Test
  void onlyTheFirstParentLineCountsAfterAMerge() throws Exception {
    RevCommit a = git.commitAndPush("a");
    mirror.fetch();
    git.newBranch("feature");
    RevCommit f1 = git.commit("f1");
    git.commit("f2");
    git.checkout("main");
    RevCommit b = git.commit("b");
    var merge =
        git.work()
            .merge()
            .include(f1.getId())
            .setCommit(false)
            .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF)
            .call();
    assertThat(merge.getMergeStatus().isSuccessful()).isTrue();
    RevCommit m = git.commitStaged("merge feature");
    assertThat(m.getParentCount()).isEqualTo(2);
    git.push();

    assertThat(mirror.fetch()).extracting(CommitInfo::id).containsExactly(b.name(), m.name());
    assertThat(mirror.newCommitsSince(a.name()).commits())
        .extracting(CommitInfo::id)
        .containsExactly(b.name(), m.name());
  }

  @Test
  void missingLocalRepositoryNeedsAPerson() {
    RepositoryMirror gone = mirrorOf(tmp.resolve("nowhere.git").toString());
    assertThatThrownBy(() -> gone.lsRemoteHead("main"))
        .isInstanceOf(RepositoryNotFoundException.class)
        .hasMessageContaining("nowhere.git")
        .satisfies(e -> assertThat(((GitRemoteException) e).retryable()).isFalse());
    assertThatThrownBy(gone::fetch).isInstanceOf(RepositoryNotFoundException.class);
    gone.close();
  }

  @Test
  void refusedConnectionIsRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RepositoryMirror down = mirrorOf("http://127.0.0.1:" + port + "/app.git");
    assertThatThrownBy(() -> down.lsRemoteHead("main"))
        .isInstanceOf(RemoteUnreachableException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .satisfies(e -> assertThat(((GitRemoteException) e).retryable()).isTrue());
    assertThatThrownBy(down::fetch).isInstanceOf(RemoteUnreachableException.class);
    down.close();
  }

  @Test
  void refusedCredentialsNeedAPersonAndStaySecret() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          if (auth != null) {
            authorizations.add(auth);
          }
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/app.git";
      RepositoryMirror locked =
          RepositoryMirror.builder()
              .remote(url)
              .directory(tmp.resolve("locked"))
              .credentials(() -> new RemoteCredentials("deployer", "tok-SECRET-123"))
              .timeout(Duration.ofSeconds(10))
              .build();
      assertThatThrownBy(() -> locked.lsRemoteHead("main"))
          .isInstanceOf(RemoteAuthenticationException.class)
          .satisfies(e -> assertThat(((GitRemoteException) e).retryable()).isFalse())
          .satisfies(e -> assertThat(fullText(e)).doesNotContain("tok-SECRET-123"));
      assertThat(authorizations)
          .contains(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString("deployer:tok-SECRET-123".getBytes(StandardCharsets.UTF_8)));
      locked.close();

      String withPassword =
          "http://deployer:pw-SECRET-456@127.0.0.1:" + server.getAddress().getPort() + "/app.git";
      RepositoryMirror embedded = mirrorOf(withPassword);
      assertThat(embedded.remoteForDisplay()).doesNotContain("pw-SECRET-456");
      assertThat(embedded.toString()).doesNotContain("pw-SECRET-456");
      assertThatThrownBy(() -> embedded.lsRemoteHead("main"))
          .isInstanceOf(RemoteAuthenticationException.class)
          .satisfies(e -> assertThat(fullText(e)).doesNotContain("pw-SECRET-456"));
      embedded.close();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void credentialsNeverAppearInToString() {
    assertThat(new RemoteCredentials("u", "s3cret").toString()).doesNotContain("s3cret");
  }

  @Test
  void invalidBranchNamesAreRefused() {
    assertThatThrownBy(() -> RepositoryMirror.builder().branch("a..b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mirror.lsRemoteHead("bad\nname"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\\u000a");
  }

  @Test
  void aNonBareDirectoryIsNotAMirror() {
    assertThatThrownBy(
            () -> RepositoryMirror.builder().remote(git.origin()).directory(git.workDir()).build())
        .isInstanceOf(IOException.class);
    assertThat(Files.exists(git.workDir().resolve(".git"))).isTrue();
  }

  private RepositoryMirror mirrorOf(String remote) {
    try {
      return RepositoryMirror.builder()
          .remote(remote)
          .directory(tmp.resolve("mirror-" + Math.abs(remote.hashCode())))
          .timeout(Duration.ofSeconds(10))
          .build();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String fullText(Throwable e) {
    var out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
