package dev.cairn.git.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.git.GitFixture;
import dev.cairn.git.RepositoryMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits whose symbolic links point out of the checkout, at the user's keys or at devices. */
class HostileWorkspacesTest {
  @TempDir Path tmp;
  GitFixture git;
  RepositoryMirror mirror;
  Workspaces workspaces;

  @BeforeEach
  void setUp() throws Exception {
    git = GitFixture.create(tmp);
    mirror = RepositoryMirror.builder().remote(git.origin()).directory(tmp.resolve("m")).build();
    workspaces = new Workspaces(tmp.resolve("workspaces"));
  }

  @AfterEach
  void tearDown() {
    mirror.close();
    git.close();
  }

  /** A commit of README.md and the given links (name -> target). */
  private RevCommit commitWithLinks(Map<String, String> links) throws Exception {
    Path work = git.workDir();
    Files.writeString(work.resolve("README.md"), "hello\n");
    for (var link : links.entrySet()) {
      Path path = work.resolve(link.getKey());
      Files.createDirectories(path.getParent());
      Files.createSymbolicLink(path, Path.of(link.getValue()));
    }
    git.work().add().addFilepattern(".").call();
    RevCommit commit = git.commitStaged("links");
    git.push();
    mirror.fetch();
    return commit;
  }

  private void assertRefused(RevCommit commit) {
    assertThatThrownBy(() -> workspaces.create(mirror.repository(), commit.name(), "run-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    assertThat(tmp.resolve("workspaces/run-1")).doesNotExist();
  }

  @Test
  void aLinkToAnAbsolutePathIsRefused() throws Exception {
    assertRefused(commitWithLinks(Map.of("cairn.yml", "/dev/zero")));
  }

  @Test
  void aLinkClimbingOutOfTheCheckoutIsRefused() throws Exception {
    assertRefused(commitWithLinks(Map.of("deep/key", "../../../../.ssh/id_rsa")));
  }

  @Test
  void aChainOfInnocentLinksThatResolvesOutsideIsRefused() throws Exception {
    // here -> . is the checkout itself; out -> here/.. is then its parent.
    assertRefused(commitWithLinks(Map.of("here", ".", "out", "here/..")));
  }

  @Test
  void linksInsideTheCheckoutStillWork() throws Exception {
    RevCommit commit = commitWithLinks(Map.of("docs", "README.md", "sub/readme", "../README.md"));
    Workspace ws = workspaces.create(mirror.repository(), commit.name(), "run-1");
    assertThat(ws.directory().resolve("sub/readme")).hasContent("hello");
  }
}
