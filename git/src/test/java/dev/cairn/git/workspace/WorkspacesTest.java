package dev.cairn.git.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.git.GitFixture;
import dev.cairn.git.RepositoryMirror;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {

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

  @Test
  void checksOutTheCommitsFilesWithModesAndLinks() throws Exception {
    Path work = git.workDir();
    Files.writeString(work.resolve("README.md"), "hello\n");
    Files.createDirectories(work.resolve("src/main"));
    Files.writeString(work.resolve("src/main/App.java"), "class App {}\n");
    Files.writeString(work.resolve("build.sh"), "#!/bin/sh\necho built\n");
    Files.setPosixFilePermissions(
        work.resolve("build.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(work.resolve("docs"), Path.of("README.md"));
    git.work().add().addFilepattern(".").call();
    RevCommit c = git.commitStaged("files");
    git.push();
    mirror.fetch();

    Workspace ws = workspaces.create(mirror.repository(), c.name(), "run-1");

    assertThat(ws.commitId()).isEqualTo(c.name());
    assertThat(ws.treeId()).isEqualTo(c.getTree().name());
    Path dir = ws.directory();
    assertThat(dir).isEqualTo(tmp.resolve("workspaces/run-1"));
    assertThat(dir.resolve("README.md")).hasContent("hello");
    assertThat(dir.resolve("src/main/App.java")).hasContent("class App {}");
    assertThat(Files.isExecutable(dir.resolve("build.sh"))).isTrue();
    assertThat(Files.getPosixFilePermissions(dir.resolve("README.md")))
        .doesNotContain(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.isSymbolicLink(dir.resolve("docs"))).isTrue();
    assertThat(Files.readSymbolicLink(dir.resolve("docs"))).isEqualTo(Path.of("README.md"));
    assertThat(dir.resolve(".git")).doesNotExist();
    try (var left = Files.list(tmp.resolve("workspaces"))) {
      assertThat(left).containsExactly(dir);
    }
  }

  @Test
  void aWorkspaceIsAtTheGivenCommitAndIndependentOfTheMirror() throws Exception {
    RevCommit v1 = git.commit("app.txt", "version 1\n", "v1");
    git.push();
    RevCommit v2 = git.commit("app.txt", "version 2\n", "v2");
    git.push();
    mirror.fetch();

    Workspace old = workspaces.create(mirror.repository(), v1.name(), "old");
    Workspace current = workspaces.create(mirror.repository(), v2.name(), "current");
    assertThat(old.directory().resolve("app.txt")).hasContent("version 1");
    assertThat(current.directory().resolve("app.txt")).hasContent("version 2");

    Files.writeString(current.directory().resolve("app.txt"), "changed by a build\n");
    Workspace again = workspaces.create(mirror.repository(), v2.name(), "again");
    assertThat(again.directory().resolve("app.txt")).hasContent("version 2");

    mirror.close();
    FileUtils.delete(tmp.resolve("m").toFile(), FileUtils.RECURSIVE);
    assertThat(old.directory().resolve("app.txt")).hasContent("version 1");
    mirror = RepositoryMirror.builder().remote(git.origin()).directory(tmp.resolve("m")).build();
  }

  @Test
  void deleteRemovesEverythingButFollowsNoLinks() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
    RevCommit c = git.commit("a/b/c.txt", "x", "nested");
    git.push();
    mirror.fetch();
    Workspace ws = workspaces.create(mirror.repository(), c.name(), "run-2");
    Files.createSymbolicLink(ws.directory().resolve("a/escape"), outside);
    Files.writeString(ws.directory().resolve("a/b/made-by-build.txt"), "y");
    Files.setPosixFilePermissions(
        ws.directory().resolve("a/b"), PosixFilePermissions.fromString("r-xr-xr-x"));

    workspaces.delete(ws);

    assertThat(ws.directory()).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
    assertThatThrownBy(
            () -> workspaces.delete(new Workspace(tmp.resolve("outside"), c.name(), "t")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(outside).exists();
  }

  @Test
  void hostileFileNamesAreCheckedOutAsData() throws Exception {
    String[] names = {
      "$(touch pwned).txt",
      "`touch pwned`",
      "it's \"quoted\".txt",
      "new\nline.txt",
      "é😀 ünï.txt",
      "semi;colon&amp|pipe"
    };
    for (String name : names) {
      Files.writeString(git.workDir().resolve(name), name, StandardCharsets.UTF_8);
    }
    git.work().add().addFilepattern(".").call();
    RevCommit c = git.commitStaged("hostile $(touch pwned)\n\n'\"`");
    git.push();
    mirror.fetch();

    Workspace ws = workspaces.create(mirror.repository(), c.name(), "hostile");
    for (String name : names) {
      assertThat(Files.readString(ws.directory().resolve(name), StandardCharsets.UTF_8))
          .isEqualTo(name);
    }
    try (var files = Files.walk(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("pwned"))).isEmpty();
    }
  }

  @Test
  void treesThatWouldEscapeTheWorkspaceAreRefused() throws Exception {
    for (String bad : new String[] {"..", ".git", ".GIT"}) {
      ObjectId commit = commitWithEntry(bad);
      assertThatThrownBy(() -> workspaces.create(mirror.repository(), commit.name(), "evil"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("will not check out");
      assertThat(tmp.resolve("workspaces/evil")).doesNotExist();
    }
    try (var left = Files.list(tmp.resolve("workspaces"))) {
      assertThat(left).as("no staging directories left behind").isEmpty();
    }
  }

  @Test
  void badNamesAndMissingCommitsAreRefused() throws Exception {
    RevCommit c = git.commit("x");
    git.push();
    mirror.fetch();
    for (String name : new String[] {"../escape", "a/b", "", ".hidden", "x.tmp"}) {
      assertThatThrownBy(() -> workspaces.create(mirror.repository(), c.name(), name))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(
            () ->
                workspaces.create(
                    mirror.repository(), "0123456789012345678901234567890123456789", "missing"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no commit");
    workspaces.create(mirror.repository(), c.name(), "taken");
    assertThatThrownBy(() -> workspaces.create(mirror.repository(), c.name(), "taken"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exists already");
    assertThat(Files.exists(tmp.resolve("escape"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  /** A commit whose root tree has a crafted entry; git itself refuses to create such trees. */
  private ObjectId commitWithEntry(String name) throws IOException {
    try (ObjectInserter ins = mirror.repository().newObjectInserter()) {
      ObjectId blob = ins.insert(Constants.OBJ_BLOB, "x".getBytes(StandardCharsets.UTF_8));
      TreeFormatter inner = new TreeFormatter();
      inner.append("config", FileMode.REGULAR_FILE, blob);
      ObjectId innerTree = ins.insert(inner);
      TreeFormatter root = new TreeFormatter();
      root.append("a-file", FileMode.REGULAR_FILE, blob);
      root.append(name, FileMode.TREE, innerTree);
      ObjectId tree = ins.insert(root);
      CommitBuilder cb = new CommitBuilder();
      PersonIdent who = new PersonIdent("Mallory", "m@example.org");
      cb.setAuthor(who);
      cb.setCommitter(who);
      cb.setTreeId(tree);
      cb.setMessage("crafted");
      ObjectId id = ins.insert(cb);
      ins.flush();
      return id;
    }
  }
}
