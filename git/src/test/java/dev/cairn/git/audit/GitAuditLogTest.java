package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.git.GitFixture;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.ReflogEntry;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitAuditLogTest {

  private static final AtomicLong SECONDS = new AtomicLong();

  @TempDir Path dir;
  private GitFixture fixture;
  private String c1;
  private String c2;
  private final List<GitAuditLog> logs = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fixture = GitFixture.create(dir);
    c1 = fixture.commitAndPush("notes: add search").name();
    c2 = fixture.commitAndPush("notes: faster list").name();
  }

  @AfterEach
  void tearDown() {
    logs.forEach(GitAuditLog::close);
    fixture.close();
  }

  @Test
  void eachRecordBecomesOneCommitWithSubjectTrailersAndFileAndANoteOnTheAppCommit()
      throws Exception {
    AuditRecord started = record(AuditEvent.RUN_STARTED, c1, null).build();
    AuditRecord built =
        record(AuditEvent.BUILD_SUCCEEDED, c1, null)
            .duration(Duration.ofMillis(12_300))
            .artifact("sha256:" + "ab".repeat(32))
            .build();
    AuditRecord deployed =
        record(AuditEvent.DEPLOYED, c1, "production")
            .duration(Duration.ofMillis(4200))
            .previousRelease(c2)
            .build();
    GitAuditLog log = log("a");
    log.start();
    log.append(started);
    log.append(built);
    log.append(deployed);

    await().until(() -> log.status().delivered());

    List<RevCommit> commits = auditCommits();
    assertThat(commits).hasSize(3);
    assertThat(commits.get(0).getParentCount()).isZero();
    assertThat(commits)
        .extracting(RevCommit::getShortMessage)
        .containsExactly(
            "run started for " + c1.substring(0, 7) + " (notes: add search)",
            "built " + c1.substring(0, 7) + " (notes: add search) in 12.3s",
            "production: deployed " + c1.substring(0, 7) + " (notes: add search) in 4.2s");
    RevCommit last = commits.get(2);
    assertThat(last.getFooterLines("Cairn-Event")).containsExactly("deployed");
    assertThat(last.getFooterLines("Cairn-Environment")).containsExactly("production");
    assertThat(last.getFooterLines("Cairn-Commit")).containsExactly(c1);
    assertThat(last.getFooterLines("Cairn-Run")).containsExactly("run-1");
    assertThat(last.getFooterLines("Cairn-Record")).containsExactly(deployed.id());
    assertThat(last.getAuthorIdent().getWhenAsInstant()).isEqualTo(deployed.occurredAt());
    assertThat(commits.get(1).getFooterLines("Cairn-Artifact"))
        .containsExactly("sha256:" + "ab".repeat(32));
    assertThat(fileOn(last, deployed.path())).isEqualTo(deployed.toJson());
    assertThat(AuditRecord.fromJson(fileOn(last, built.path()))).isEqualTo(built);
    assertThat(note(c1))
        .contains("build: build-succeeded in 12.3s sha256:" + "ab".repeat(32))
        .contains(
            "production: deployed in 4.2s [" + deployed.occurredAt() + " " + deployed.id() + "]")
        .contains("build: run-started");
    assertThat(note(c2)).isNull();
  }

  @Test
  void aDeployedRecordWithAReleaseTagCreatesTheTagOnTheAppCommitOnceAndNeverMovesIt()
      throws Exception {
    AuditRecord deployed =
        record(AuditEvent.DEPLOYED, c1, "production")
            .releaseTag("cairn/production/20261126-040001-" + c1.substring(0, 7))
            .build();
    AuditRecord taken =
        record(AuditEvent.DEPLOYED, c2, "production").releaseTag("cairn/production/taken").build();
    // Someone already has a tag of that name (on another commit): Cairn never moves it.
    fixture.work().tag().setName("cairn/production/taken").setObjectId(null).call();
    fixture
        .work()
        .push()
        .setRemote(fixture.origin().toUri().toString())
        .setRefSpecs(
            new org.eclipse.jgit.transport.RefSpec(
                "refs/tags/cairn/production/taken:refs/tags/cairn/production/taken"))
        .call();
    ObjectId takenBefore = fixture.originRef("refs/tags/cairn/production/taken");
    // A fresh local repository: the app commit must be fetched to be tagged.
    GitAuditLog log = log("tags");
    log.start();
    log.append(deployed);
    log.append(taken);

    await().until(() -> log.status().delivered());

    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      Ref tag = origin.exactRef("refs/tags/" + deployed.releaseTag());
      assertThat(tag).isNotNull();
      var annotated = walk.parseTag(tag.getObjectId());
      assertThat(annotated.getObject().getName()).isEqualTo(c1);
      assertThat(annotated.getShortMessage()).isEqualTo(deployed.subject());
    }
    assertThat(fixture.originRef("refs/tags/cairn/production/taken")).isEqualTo(takenBefore);
    assertThat(recordIds()).containsExactly(deployed.id(), taken.id());
  }

  @Test
  void recordsAppendedWhileTheRemoteIsUnreachableAreDeliveredInOrderWhenItReturns()
      throws Exception {
    GitAuditLog log = log("a");
    log.start();
    AuditRecord first = record(AuditEvent.DEPLOYED, c1, "production").build();
    log.append(first);
    await().until(() -> log.status().delivered());

    Path away = dir.resolve("origin-away.git");
    Files.move(fixture.origin(), away);
    List<AuditRecord> later = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      AuditRecord r = record(AuditEvent.SUPERSEDED, c1, "staging").supersededBy(c2).build();
      later.add(r);
      log.append(r);
    }
    await().until(() -> log.status().consecutiveFailures() >= 2);
    assertThat(log.status().pending()).isEqualTo(5);
    assertThat(log.status().lastError()).get().asString().contains("Cannot deliver audit records");
    Files.move(away, fixture.origin());

    await().until(() -> log.status().delivered());
    assertThat(log.status().lastError()).isEmpty();
    List<String> ids = recordIds();
    List<String> expected = new ArrayList<>(List.of(first.id()));
    later.forEach(r -> expected.add(r.id()));
    assertThat(ids).containsExactlyElementsOf(expected);
  }

  @Test
  void aCrashBeforeDeliveryLosesNothingAndTheNextProcessDeliversEachRecordOnce() throws Exception {
    GitAuditLog crashed = log("a");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      AuditRecord r =
          record(AuditEvent.BUILD_FAILED, c2, null)
              .error(new AuditError("States.TaskFailed", "exit 1"))
              .build();
      crashed.append(r);
      crashed.append(r);
      expected.add(r.id());
    }
    crashed.close();
    assertThat(auditTip()).isNull();

    GitAuditLog next = log("a");
    assertThat(next.status().pending()).isEqualTo(3);
    next.start();
    await().until(() -> next.status().delivered());
    assertThat(recordIds()).containsExactlyElementsOf(expected);
    assertThatThrownBy(() -> log("a"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in use by another Cairn process");
    next.close();

    GitAuditLog again = log("a");
    assertThat(again.flush().delivered()).isTrue();
    assertThat(recordIds()).containsExactlyElementsOf(expected);
  }

  @Test
  void aCrashAfterThePushButBeforeTheOutboxEntryIsRemovedDoesNotDuplicate() throws Exception {
    GitAuditLog log = log("a");
    AuditRecord r1 = record(AuditEvent.DEPLOYMENT_STARTED, c1, "production").build();
    AuditRecord r2 = record(AuditEvent.DEPLOYED, c1, "production").build();
    log.append(r1);
    log.append(r2);
    Path backup = dir.resolve("outbox-copy");
    copyDirectory(log.outboxDirectory(), backup);
    assertThat(log.flush().delivered()).isTrue();
    ObjectId branchAfter = auditTip();
    ObjectId notesAfter = fixture.originRef(GitAuditLog.NOTES);
    log.close();
    logs.remove(log);
    // The crash: the records reached the remote but their outbox files are still there.
    copyDirectory(backup, dir.resolve("a-outbox"));

    GitAuditLog restarted = log("a");
    assertThat(restarted.status().pending()).isEqualTo(2);
    assertThat(restarted.flush().delivered()).isTrue();

    assertThat(recordIds()).containsExactly(r1.id(), r2.id());
    assertThat(auditTip()).isEqualTo(branchAfter);
    assertThat(fixture.originRef(GitAuditLog.NOTES)).isEqualTo(notesAfter);
  }

  @Test
  void twoWritersRacingKeepEveryRecordAndNeverRewriteTheBranch() throws Exception {
    try (Repository origin = fixture.openOrigin()) {
      var config = origin.getConfig();
      config.setBoolean("receive", null, "denyNonFastForwards", true);
      config.save();
    }
    // JGit appends to a ref's log when the log file exists: the origin's reflog then shows every
    // value the branch had, which must each be an ancestor of the next.
    Path reflog = fixture.origin().resolve("logs/refs/heads/cairn/audit");
    Files.createDirectories(reflog.getParent());
    Files.createFile(reflog);

    GitAuditLog a = log("a");
    GitAuditLog b = log("b");
    List<String> fromA = new ArrayList<>();
    List<String> fromB = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      AuditRecord ra = record(AuditEvent.DEPLOYED, i % 2 == 0 ? c1 : c2, "production").build();
      AuditRecord rb = record(AuditEvent.DEPLOYED, i % 2 == 0 ? c2 : c1, "staging").build();
      a.append(ra);
      b.append(rb);
      fromA.add(ra.id());
      fromB.add(rb.id());
    }
    CompletableFuture<?> one = CompletableFuture.runAsync(a::flush);
    CompletableFuture<?> two = CompletableFuture.runAsync(b::flush);
    CompletableFuture.allOf(one, two).get();
    a.start();
    b.start();
    await().until(() -> a.status().delivered() && b.status().delivered());

    List<String> ids = recordIds();
    assertThat(ids).hasSize(16).doesNotHaveDuplicates();
    assertThat(ids.stream().filter(fromA::contains).toList()).containsExactlyElementsOf(fromA);
    assertThat(ids.stream().filter(fromB::contains).toList()).containsExactlyElementsOf(fromB);
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      List<ReflogEntry> entries =
          origin.getRefDatabase().getReflogReader(GitAuditLog.BRANCH).getReverseEntries();
      assertThat(entries).isNotEmpty();
      for (ReflogEntry e : entries) {
        if (!e.getOldId().equals(ObjectId.zeroId())) {
          assertThat(
                  walk.isMergedInto(walk.parseCommit(e.getOldId()), walk.parseCommit(e.getNewId())))
              .as("%s descends from %s", e.getNewId().name(), e.getOldId().name())
              .isTrue();
        }
      }
    }
    // Both writers' latest outcomes ended up in the merged notes.
    assertThat(note(c1)).contains("production: deployed").contains("staging: deployed");
    assertThat(note(c2)).contains("production: deployed").contains("staging: deployed");
  }

  @Test
  void aWriterThatLosesTheRaceFetchesAndReappliesItsRecordsOnTheNewTip() throws Exception {
    GitAuditLog a = log("a");
    GitAuditLog b = log("b");
    AuditRecord fromA = record(AuditEvent.DEPLOYED, c1, "production").build();
    AuditRecord fromB = record(AuditEvent.DEPLOYED, c2, "staging").build();
    AuditRecord laterFromB = record(AuditEvent.DEPLOYED, c1, "staging").build();
    a.append(fromA);
    b.append(fromB);
    b.append(laterFromB);
    AtomicInteger interleavings = new AtomicInteger();
    // A has built its commit on the old tip; B pushes first, so A's push is not a fast-forward.
    a.beforePush(
        () -> {
          if (interleavings.getAndIncrement() == 0) {
            assertThat(b.flush().delivered()).isTrue();
          }
        });

    assertThat(a.flush().delivered()).isTrue();

    assertThat(interleavings).hasValue(2);
    assertThat(recordIds()).containsExactly(fromB.id(), laterFromB.id(), fromA.id());
    assertThat(note(c1))
        .contains("production: deployed [" + fromA.occurredAt() + " " + fromA.id() + "]")
        .contains("staging: deployed [" + laterFromB.occurredAt() + " " + laterFromB.id() + "]");
    assertThat(note(c2)).contains("staging: deployed [" + fromB.occurredAt());
  }

  @Test
  void messagesNotesAndErrorsCarryOnlyTheGivenFieldsAndNoCredential() throws Exception {
    String canary = "canary-s3cret-" + System.nanoTime();
    AuditRecord r =
        record(AuditEvent.DEPLOYMENT_FAILED, c1, "production")
            .trigger(new AuditTrigger(AuditTrigger.Kind.PUSH, "ada"))
            .error(new AuditError("Cairn.HealthCheckFailed", "GET /health returned 503"))
            .duration(Duration.ofSeconds(3))
            .build();
    GitAuditLog log =
        track(
            GitAuditLog.builder()
                .remote(fixture.origin())
                .repository(dir.resolve("s.git"))
                .outbox(dir.resolve("s-outbox"))
                .credentials(() -> new RemoteCredentials("cairn", canary))
                .build());
    log.append(r);
    assertThat(log.flush().delivered()).isTrue();

    RevCommit commit = auditCommits().get(0);
    String message = commit.getFullMessage();
    assertThat(message)
        .isEqualTo(
            r.subject()
                + "\n\n"
                + "Cairn-Event: deployment-failed\n"
                + "Cairn-Environment: production\n"
                + "Cairn-Commit: "
                + c1
                + "\n"
                + "Cairn-Run: run-1\n"
                + "Cairn-Error: Cairn.HealthCheckFailed\n"
                + "Cairn-Actor: ada\n"
                + "Cairn-Record: "
                + r.id()
                + "\n"
                + "Cairn-Schema: cairn.audit/v1\n");
    String all = message + note(c1) + fileOn(commit, r.path());
    assertThat(all).doesNotContain(canary);
    assertThat(AuditRecord.fromJson(fileOn(commit, r.path()))).isEqualTo(r);

    // An unreachable HTTPS-style remote with the secret in its URL: the status must not echo it.
    GitAuditLog down =
        track(
            GitAuditLog.builder()
                .remote("http://cairn:" + canary + "@127.0.0.1:1/app.git")
                .repository(dir.resolve("d.git"))
                .outbox(dir.resolve("d-outbox"))
                .credentials(() -> new RemoteCredentials("cairn", canary))
                .build());
    down.append(record(AuditEvent.DEPLOYED, c1, "production").build());
    var status = down.flush();
    assertThat(status.pending()).isEqualTo(1);
    assertThat(status.lastError()).get().asString().contains("127.0.0.1").doesNotContain(canary);
    assertThat(status.toString()).doesNotContain(canary);
  }

  // ---- helpers

  private AuditRecord.Builder record(AuditEvent event, String commit, String environment) {
    return AuditRecord.builder()
        .event(event)
        .occurredAt(Instant.parse("2026-11-26T04:00:00Z").plusSeconds(SECONDS.incrementAndGet()))
        .run("run-1")
        .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
        .commit(commit)
        .commitSubject(commit.equals(c1) ? "notes: add search" : "notes: faster list")
        .environment(environment)
        .cairnVersion("0.1.0-test");
  }

  private GitAuditLog log(String name) throws IOException {
    return track(
        GitAuditLog.builder()
            .remote(fixture.origin())
            .repository(dir.resolve(name + ".git"))
            .outbox(dir.resolve(name + "-outbox"))
            .initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(200))
            .build());
  }

  private GitAuditLog track(GitAuditLog log) {
    logs.add(log);
    return log;
  }

  private ObjectId auditTip() throws IOException {
    return fixture.originRef(GitAuditLog.BRANCH);
  }

  /** The audit branch on the origin, oldest first; parsed fully so messages stay readable. */
  private List<RevCommit> auditCommits() throws IOException {
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      ObjectId tip = origin.resolve(GitAuditLog.BRANCH);
      if (tip == null) {
        return List.of();
      }
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      walk.markStart(walk.parseCommit(tip));
      List<RevCommit> out = new ArrayList<>();
      for (RevCommit c : walk) {
        walk.parseBody(c);
        out.add(c);
      }
      // A linear history: every commit but the first has exactly one parent.
      for (int i = 1; i < out.size(); i++) {
        assertThat(out.get(i).getParents()).containsExactly(out.get(i - 1));
      }
      return out;
    }
  }

  private List<String> recordIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (RevCommit c : auditCommits()) {
      ids.addAll(c.getFooterLines("Cairn-Record"));
    }
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    return ids;
  }

  private String fileOn(RevCommit commit, String path) throws IOException {
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin);
        TreeWalk tw = TreeWalk.forPath(origin, path, walk.parseCommit(commit).getTree())) {
      assertThat(tw).as("file %s", path).isNotNull();
      return new String(origin.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
    }
  }

  private String note(String commit) throws IOException {
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      ObjectId tip = origin.resolve(GitAuditLog.NOTES);
      if (tip == null) {
        return null;
      }
      NoteMap map = NoteMap.read(walk.getObjectReader(), walk.parseCommit(tip));
      Note n = map.getNote(ObjectId.fromString(commit));
      return n == null
          ? null
          : new String(origin.open(n.getData()).getBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void copyDirectory(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(
            f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
