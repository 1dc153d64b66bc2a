package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.git.GitFixture;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.runtime.EnvironmentRecovery;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.memory.InMemoryEnvironmentStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {
  private static final Instant T0 = Instant.parse("2026-10-31T23:59:00Z");

  @TempDir Path dir;
  private GitFixture fixture;
  private String c1;
  private String c2;
  private String c3;
  private final AtomicLong seconds = new AtomicLong();
  private final List<AutoCloseable> open = new ArrayList<>();
  private int logs;

  @BeforeEach
  void setUp() throws Exception {
    fixture = GitFixture.create(dir);
    c1 = fixture.commitAndPush("notes: add search").name();
    c2 = fixture.commitAndPush("notes: faster list").name();
    c3 = fixture.commitAndPush("notes: broken").name();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    fixture.close();
  }

  @Test
  void readsTheRecordsInTrailOrderFilteredAndFindsOneByIdPrefixOrAuditCommit() throws Exception {
    AuditRecord built =
        record(AuditEvent.BUILD_SUCCEEDED, c1, null)
            .id("0193aaaa-0000-7000-8000-000000000001")
            .build();
    AuditRecord staging =
        record(AuditEvent.DEPLOYED, c1, "staging")
            .id("0193aaaa-0000-7000-8000-000000000002")
            .build();
    AuditRecord production =
        record(AuditEvent.DEPLOYED, c1, "production").committedAt(T0.minusSeconds(600)).build();
    AuditRecord failed =
        record(AuditEvent.DEPLOYMENT_FAILED, c2, "production")
            .error(new AuditError("Cairn.HealthCheckFailed", "no answer"))
            .build();
    deliver(built, staging, production, failed);

    AuditTrail trail = fetch();
    assertThat(trail.entries())
        .extracting(TrailEntry::id)
        .containsExactly(built.id(), staging.id(), production.id(), failed.id());
    TrailEntry last = trail.entries().get(3);
    assertThat(last.event()).isEqualTo(AuditEvent.DEPLOYMENT_FAILED);
    assertThat(last.error()).isEqualTo("Cairn.HealthCheckFailed");
    assertThat(last.environment()).isEqualTo("production");
    assertThat(last.subject()).isEqualTo(failed.subject());
    assertThat(last.occurredAt()).isEqualTo(failed.occurredAt());
    assertThat(trail.entries().get(2).committedAt()).isEqualTo(T0.minusSeconds(600));

    assertThat(trail.query(query("production", null, null, 0)))
        .extracting(TrailEntry::id)
        .containsExactly(production.id(), failed.id());
    assertThat(trail.query(query(null, c1.substring(0, 8), null, 0))).hasSize(3);
    assertThat(trail.query(query(null, null, AuditEvent.DEPLOYED, 1)))
        .extracting(TrailEntry::id)
        .containsExactly(production.id());
    assertThat(
            trail.query(
                new AuditTrail.Query(
                    null, null, null, staging.occurredAt(), failed.occurredAt(), 0)))
        .extracting(TrailEntry::id)
        .containsExactly(staging.id(), production.id());

    AuditTrail.Found found = trail.find(failed.id().substring(0, 30)).orElseThrow();
    assertThat(found.record()).isEqualTo(failed);
    assertThat(found.path()).isEqualTo(failed.path());
    assertThat(found.message()).contains("Cairn-Error: Cairn.HealthCheckFailed");
    assertThat(trail.find(last.auditCommit().substring(0, 10)).orElseThrow().record())
        .isEqualTo(failed);
    assertThat(trail.find("ffffffff")).isEmpty();
    assertThatThrownBy(() -> trail.find("0193aaaa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0193aaaa' matches 2 records")
        .hasMessageContaining(staging.id());
  }

  @Test
  void theIndexAppendsNewCommitsAndIsRebuiltWhenTheBranchIsRewrittenOrDamaged() throws Exception {
    AuditRecord first = record(AuditEvent.DEPLOYED, c1, "production").build();
    AuditRecord second = record(AuditEvent.DEPLOYED, c2, "production").build();
    deliver(first, second);
    Path indexRoot = dir.resolve("index");
    assertThat(fetch(indexRoot).entries()).hasSize(2);
    Path entriesFile = onlyIndexDirectory(indexRoot).resolve("entries.tsv");
    long lengthAfterTwo = Files.size(entriesFile);

    AuditRecord third = record(AuditEvent.DEPLOYMENT_FAILED, c3, "production").build();
    deliver(third);
    assertThat(fetch(indexRoot).entries())
        .extracting(TrailEntry::id)
        .containsExactly(first.id(), second.id(), third.id());
    // Appended: the first two lines were not rewritten.
    String text = Files.readString(entriesFile, StandardCharsets.UTF_8);
    assertThat(text.lines()).hasSize(3);
    assertThat(Files.size(entriesFile)).isGreaterThan(lengthAfterTwo);

    // Someone rewinds the branch to its first commit and a new record lands on it.
    rewindOriginBranchTo(0);
    AuditRecord fourth = record(AuditEvent.DEPLOYED, c2, "staging").build();
    deliver(fourth);
    assertThat(fetch(indexRoot).entries())
        .extracting(TrailEntry::id)
        .containsExactly(first.id(), fourth.id());

    // A damaged index is ignored and rebuilt.
    Files.writeString(entriesFile, "garbage\tline\n");
    assertThat(fetch(indexRoot).entries())
        .extracting(TrailEntry::id)
        .containsExactly(first.id(), fourth.id());
    // And bytes past the recorded length (a crash mid-append) are ignored.
    Files.writeString(
        entriesFile,
        Files.readString(entriesFile) + "half a line",
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    assertThat(fetch(indexRoot).entries()).hasSize(2);
  }

  @Test
  void aRemoteWithoutTheBranchHasAnEmptyTrail() throws Exception {
    AuditTrail trail = fetch(dir.resolve("index"));
    assertThat(trail.tip()).isEmpty();
    assertThat(trail.entries()).isEmpty();
    assertThat(trail.find("0193aaaa")).isEmpty();
  }

  @Test
  void anUnreachableRemoteIsAClearErrorWithoutTheSecret() {
    assertThatThrownBy(
            () ->
                AuditTrail.fetch(
                    "http://cairn:canary-s3cret@127.0.0.1:1/app.git",
                    dir.resolve("cache.git"),
                    () -> new RemoteCredentials("cairn", "canary-token"),
                    Duration.ofSeconds(5),
                    null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Cannot read the audit trail of http://127.0.0.1:1/app.git")
        .satisfies(e -> assertThat(withCauses(e)).doesNotContain("canary-s3cret", "canary-token"));
  }

  /** The exception as a log would print it, causes and all. */
  private static String withCauses(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aLostStateDirectoryIsRecoveredFromTheTrail() throws Exception {
    deliver(
        record(AuditEvent.DEPLOYED, c1, "production").run("r1").artifact(digest('1')).build(),
        record(AuditEvent.DEPLOYED, c2, "production").run("r2").artifact(digest('2')).build(),
        record(AuditEvent.DEPLOYMENT_FAILED, c3, "production").run("r3").build(),
        record(AuditEvent.ROLLED_BACK, c3, "production").run("r3").rolledBackTo(c2).build(),
        record(AuditEvent.DEPLOYED, c1, "staging").run("r1").artifact(digest('1')).build(),
        record(AuditEvent.MARKED_BAD, c2, "staging").build(),
        record(AuditEvent.MARKED_BAD, c1, "production").build(),
        record(AuditEvent.MANUAL_ACTION, c1, "production")
            .action("mark-good")
            .trigger(AuditTrigger.manual("ada"))
            .build());
    InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    String other = "9".repeat(40);
    store.update("staging", state -> state.withBad(other));

    List<String> seeded = EnvironmentRecovery.seedMissing(store, fetch());

    assertThat(seeded).containsExactly("production");
    EnvironmentState production = store.read("production");
    assertThat(production.lastGood())
        .get()
        .extracting(EnvironmentState.LastGood::commit)
        .isEqualTo(c2);
    assertThat(production.lastGood().get().artifact()).isEqualTo(digest('2'));
    assertThat(production.lastGood().get().runId()).isEqualTo("r2");
    assertThat(production.isBad(c3)).isTrue();
    assertThat(production.isBad(c2)).isFalse();
    // Marked bad, then marked good again by hand (the Cairn-Action trailer): a rollback target.
    assertThat(production.isBad(c1)).isFalse();
    assertThat(production.previousGood()).contains(c1);
    // A state Cairn has is newer than the trail: left alone.
    assertThat(store.read("staging").isBad(c2)).isFalse();
    assertThat(store.read("staging").isBad(other)).isTrue();
  }

  @Test
  void recoveryAlsoGivesAStaleStateTheTrailsBadMarksAndKeepsItsLastGoodAndItsQueue()
      throws Exception {
    deliver(
        record(AuditEvent.DEPLOYED, c1, "production").run("r1").artifact(digest('1')).build(),
        record(AuditEvent.DEPLOYMENT_FAILED, c3, "production").run("r3").build(),
        record(AuditEvent.DEPLOYED, c1, "staging").run("r1").artifact(digest('1')).build(),
        record(AuditEvent.MARKED_BAD, c2, "staging").build());
    InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    String other = "9".repeat(40);
    EnvironmentState.LastGood newer = new EnvironmentState.LastGood(other, digest('9'), "", "r9");
    // Staging's state exists (newer than the trail) but lacks c2's mark: another writer of the
    // trail made it, or it was made while this state was lost.
    store.update("staging", state -> state.withLastGood(newer, 9));
    // Production's ledger was lost; its deploy queue was not.
    EnvironmentState.Slot waiting = new EnvironmentState.Slot("r4", 4, c2, "token-4");
    store.update(
        "production", state -> state.withQueue(java.util.Optional.empty(), List.of(waiting), 3));

    List<String> changed = EnvironmentRecovery.recover(store, fetch());

    assertThat(changed).containsExactlyInAnyOrder("production", "staging");
    EnvironmentState staging = store.read("staging");
    assertThat(staging.isBad(c2)).isTrue();
    assertThat(staging.lastGood()).contains(newer);
    EnvironmentState production = store.read("production");
    assertThat(production.lastGood().orElseThrow().commit()).isEqualTo(c1);
    assertThat(production.isBad(c3)).isTrue();
    assertThat(production.waiting()).containsExactly(waiting);
    assertThat(production.grantedSequence()).isEqualTo(3);
    // Up to date now: a second recovery changes nothing.
    assertThat(EnvironmentRecovery.recover(store, fetch())).isEmpty();
  }

  @Test
  void markBadWritesTheMarksOfRecordsNotDeliveredYetAndNeverClearsOne() {
    InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    store.update("production", state -> state.withBad(c1));
    List<TrailEntry> pending =
        java.util.stream.Stream.of(
                record(AuditEvent.DEPLOYED, c2, "staging").run("r2").artifact(digest('2')).build(),
                record(AuditEvent.ROLLED_BACK, c3, "production").run("r3").rolledBackTo(c1).build(),
                record(AuditEvent.MARKED_BAD, c2, "production").build(),
                record(AuditEvent.MANUAL_ACTION, c1, "production")
                    .action("mark-good")
                    .trigger(AuditTrigger.manual("ada"))
                    .build())
            .map(r -> TrailEntry.of(r, ""))
            .toList();

    assertThat(EnvironmentRecovery.markBad(store, pending)).containsExactly("production");

    assertThat(store.read("production").bad()).containsExactly(c1, c3, c2);
    // A deployed record marks nothing: staging has no state made for it.
    assertThat(store.read("staging")).isEqualTo(EnvironmentState.empty("staging"));
    assertThat(EnvironmentRecovery.markBad(store, pending)).isEmpty();
  }

  // ---- helpers

  static String digest(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  private static AuditTrail.Query query(String env, String commit, AuditEvent event, int limit) {
    return new AuditTrail.Query(env, commit, event, null, null, limit);
  }

  private Path onlyIndexDirectory(Path root) throws IOException {
    try (var dirs = Files.list(root)) {
      List<Path> all = dirs.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  AuditRecord.Builder record(AuditEvent event, String commit, String environment) {
    return AuditRecord.builder()
        .event(event)
        .occurredAt(T0.plusSeconds(seconds.incrementAndGet() * 30))
        .run("run-1")
        .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
        .commit(commit)
        .commitSubject("change " + commit.substring(0, 4))
        .environment(environment)
        .cairnVersion("0.1.0-test");
  }

  void deliver(AuditRecord... records) throws IOException {
    try (GitAuditLog log =
        GitAuditLog.builder()
            .remote(fixture.origin())
            .repository(dir.resolve("writer-" + (++logs) + ".git"))
            .outbox(dir.resolve("outbox-" + logs))
            .build()) {
      for (AuditRecord r : records) {
        log.append(r);
      }
      assertThat(log.flush().delivered()).isTrue();
    }
  }

  private AuditTrail fetch() throws IOException {
    return fetch(null);
  }

  private AuditTrail fetch(Path indexRoot) throws IOException {
    AuditTrail trail =
        AuditTrail.fetch(
            fixture.origin().toString(),
            dir.resolve("cache.git"),
            null,
            Duration.ofSeconds(10),
            indexRoot);
    open.add(trail);
    return trail;
  }

  private void rewindOriginBranchTo(int index) throws IOException {
    try (Repository origin = fixture.openOrigin();
        RevWalk walk = new RevWalk(origin)) {
      ObjectId tip = origin.resolve(GitAuditLog.BRANCH);
      walk.markStart(walk.parseCommit(tip));
      List<ObjectId> commits = new ArrayList<>();
      walk.forEach(commits::add);
      ObjectId target = commits.get(commits.size() - 1 - index);
      RefUpdate u = origin.updateRef(GitAuditLog.BRANCH);
      u.setNewObjectId(target);
      u.setForceUpdate(true);
      assertThat(u.update()).isEqualTo(RefUpdate.Result.FORCED);
    }
  }
}
