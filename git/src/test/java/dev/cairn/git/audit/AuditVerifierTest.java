package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.git.GitFixture;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Clock LATER = Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC);

  @TempDir Path dir;
  private GitFixture fixture;
  private Repository origin;
  private String app;
  private final AtomicLong seconds = new AtomicLong();
  private int logs;

  @BeforeEach
  void setUp() throws Exception {
    fixture = GitFixture.create(dir);
    app = fixture.commitAndPush("notes: add search").name();
    origin = fixture.openOrigin();
  }

  @AfterEach
  void tearDown() {
    origin.close();
    fixture.close();
  }

  @Test
  void aCompleteTrailWrittenByCairnPassesAndItsDeliveredTipIsRecorded() throws Exception {
    Path tipFile = dir.resolve("home/audit/delivered-tip");
    deliver(null, tipFile, completeRun("r1"));

    assertThat(AuditTipFile.read(tipFile)).contains(tip().getName());
    AuditVerifier.Report report =
        verifier().verify(origin, GitAuditLog.BRANCH, known(tipFile, "delivered by Cairn"));
    assertThat(report.problems()).isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.commits()).isEqualTo(4);
    assertThat(report.runs()).isEqualTo(1);
    assertThat(report.unsigned()).isEqualTo(4);

    // A later check reads in full only what came after the tip it already checked.
    String checked = tip().getName();
    deliver(null, tipFile, record(AuditEvent.RUN_STARTED, "r2", null).build());
    AuditVerifier.Report later =
        verifier().verify(origin, GitAuditLog.BRANCH, known(tipFile, "delivered"), checked);
    assertThat(later.commits()).isEqualTo(5);
    assertThat(later.checkedInFull()).isEqualTo(1);
    assertThat(later.runs()).isEqualTo(2);
    assertThat(later.problems())
        .extracting(AuditVerifier.Problem::message)
        .containsExactly("run r2 started but has no build or deployment outcome record");
  }

  @Test
  void aRewrittenBranchFailsNamingThePositionItNoLongerContains() throws Exception {
    Path tipFile = dir.resolve("delivered-tip");
    deliver(null, tipFile, completeRun("r1"));
    String delivered = AuditTipFile.read(tipFile).orElseThrow();
    List<AuditVerifier.KnownTip> known = known(tipFile, "delivered by Cairn");

    // Someone force-pushes the branch back to its first commit and adds one of their own.
    move(GitAuditLog.BRANCH, firstCommit());
    deliver(null, null, record(AuditEvent.BUILD_SUCCEEDED, "r2", null).build());

    AuditVerifier.Report report = verifier().verify(origin, GitAuditLog.BRANCH, known);
    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .extracting(AuditVerifier.Problem::toString)
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("history was rewritten")
                    .contains("delivered by Cairn")
                    .contains(delivered));

    // A deleted branch is reported too.
    RefUpdate delete = origin.updateRef(GitAuditLog.BRANCH);
    delete.setForceUpdate(true);
    delete.delete();
    assertThat(verifier().verify(origin, GitAuditLog.BRANCH, known).problems())
        .extracting(AuditVerifier.Problem::message)
        .anySatisfy(m -> assertThat(m).contains("is gone").contains(delivered));
  }

  @Test
  void commitsThatDoNotAddExactlyOneMatchingRecordAreReportedPrecisely() throws Exception {
    AuditRecord good = record(AuditEvent.BUILD_SUCCEEDED, "r1", null).build();
    deliver(null, null, good);
    AuditRecord forged = record(AuditEvent.DEPLOYED, "r1", "production").build();
    String message = AuditCommitMessage.of(forged).replace("production", "staging");
    ObjectId lying = commit(Map.of(forged.path(), forged.toJson()), message, forged.occurredAt());
    AuditRecord two = record(AuditEvent.DEPLOYED, "r1", "staging").build();
    ObjectId twoFiles =
        commit(
            Map.of(two.path(), two.toJson(), "records/notes.txt", "hello\n"),
            AuditCommitMessage.of(two),
            two.occurredAt());
    ObjectId edits =
        commit(
            Map.of(good.path(), good.toJson().replace("build-succeeded", "build-failed")),
            "fix the record\n",
            T0);

    AuditVerifier.Report report = verifier().verify(origin, GitAuditLog.BRANCH, List.of());

    assertThat(report.problems())
        .extracting(AuditVerifier.Problem::toString)
        .contains(
            "commit "
                + lying.getName().substring(0, 12)
                + " record "
                + forged.id()
                + " : the trailer Cairn-Environment says 'staging' but the record says"
                + " 'production'",
            "commit "
                + twoFiles.getName().substring(0, 12)
                + " : adds 2 files; an audit commit adds one",
            "commit "
                + edits.getName().substring(0, 12)
                + " : changes or deletes files it did not add: ["
                + good.path()
                + "]");
  }

  @Test
  void anUnmergedActionAndAnUnsandboxedRunCarryTrailersThatMustMatchTheirRecords()
      throws Exception {
    AuditRecord unsandboxed = record(AuditEvent.RUN_STARTED, "r1", null).isolation("none").build();
    AuditRecord unmerged =
        record(AuditEvent.MANUAL_ACTION, "r1", "production")
            .trigger(AuditTrigger.manual("ada"))
            .action("deploy")
            .allowUnmerged(true)
            .build();
    deliver(null, null, unsandboxed, unmerged);
    assertThat(AuditTrail.trailersOf(lastCommit()))
        .containsEntry("cairn-allow-unmerged", "true")
        .containsEntry("cairn-actor", "ada")
        .doesNotContainKey("cairn-isolation");
    assertThat(verifier().verify(origin, GitAuditLog.BRANCH, List.of()).problems())
        .extracting(AuditVerifier.Problem::message)
        .noneMatch(m -> m.contains("trailer"));

    // The same records with the trailers dropped (someone hiding how they ran) do not pass.
    AuditRecord hiddenRun = record(AuditEvent.RUN_STARTED, "r2", null).isolation("none").build();
    commit(
        Map.of(hiddenRun.path(), hiddenRun.toJson()),
        AuditCommitMessage.of(hiddenRun).replace("Cairn-Isolation: none\n", ""),
        hiddenRun.occurredAt());
    AuditRecord hiddenAction =
        record(AuditEvent.MANUAL_ACTION, "r2", "production")
            .trigger(AuditTrigger.manual("ada"))
            .action("deploy")
            .allowUnmerged(true)
            .build();
    commit(
        Map.of(hiddenAction.path(), hiddenAction.toJson()),
        AuditCommitMessage.of(hiddenAction).replace("Cairn-Allow-Unmerged: true\n", ""),
        hiddenAction.occurredAt());

    assertThat(verifier().verify(origin, GitAuditLog.BRANCH, List.of()).problems())
        .extracting(AuditVerifier.Problem::toString)
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(hiddenRun.id())
                    .contains("the trailer Cairn-Isolation is missing"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(hiddenAction.id())
                    .contains("the trailer Cairn-Allow-Unmerged is missing"));
  }

  @Test
  void aRunWithoutItsOutcomeRecordsIsReportedOnceItIsNoLongerRunning() throws Exception {
    deliver(
        null,
        null,
        record(AuditEvent.RUN_STARTED, "r9", null).build(),
        record(AuditEvent.DEPLOYMENT_STARTED, "r9", "staging").build(),
        record(AuditEvent.RUN_STARTED, "r8", null).build(),
        record(AuditEvent.BUILD_SUCCEEDED, "r8", null).build());

    AuditVerifier.Report report = verifier().verify(origin, GitAuditLog.BRANCH, List.of());
    assertThat(report.problems())
        .extracting(AuditVerifier.Problem::message)
        .containsExactly(
            "run r9 started but has no build or deployment outcome record",
            "run r9 started deploying to staging but has no outcome record there");

    AuditVerifier recent =
        AuditVerifier.builder().clock(Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC)).build();
    assertThat(recent.verify(origin, GitAuditLog.BRANCH, List.of()).ok()).isTrue();
  }

  @Test
  void signedRecordsVerifyAndUnsignedUntrustedOrAlteredOnesAreReported() throws Exception {
    TestKeys keys = TestKeys.generate("Cairn Test <cairn@localhost>");
    TestKeys stranger = TestKeys.generate("Mallory <m@localhost>");
    OpenPgpAuditSigner signer = OpenPgpAuditSigner.of(keys.secret(), new char[0]);
    deliver(signer, null, completeRun("r1"));

    AuditVerifier trusting =
        AuditVerifier.builder()
            .clock(LATER)
            .trustedKeys(OpenPgpAuditVerifier.of(keys.publicKey()))
            .requireSigned()
            .build();
    AuditVerifier.Report signed = trusting.verify(origin, GitAuditLog.BRANCH, List.of());
    assertThat(signed.problems()).isEmpty();
    assertThat(signed.signed()).isEqualTo(4);
    assertThat(signed.unsigned()).isZero();
    String gpgsig = new String(lastCommit().getRawGpgSignature(), StandardCharsets.US_ASCII);
    assertThat(gpgsig).startsWith("-----BEGIN PGP SIGNATURE-----");

    AuditVerifier.Report untrusted =
        AuditVerifier.builder()
            .clock(LATER)
            .trustedKeys(OpenPgpAuditVerifier.of(stranger.publicKey()))
            .build()
            .verify(origin, GitAuditLog.BRANCH, List.of());
    assertThat(untrusted.problems()).hasSize(4);
    assertThat(untrusted.problems().get(0).message()).contains("which is not trusted");

    // The last commit re-made with another author date but the old signature: altered.
    RevCommit last = lastCommit();
    CommitBuilder altered = new CommitBuilder();
    altered.setTreeId(last.getTree());
    altered.setParentIds(last.getParents());
    altered.setAuthor(new PersonIdent(last.getAuthorIdent(), T0.plusSeconds(1), ZoneOffset.UTC));
    altered.setCommitter(last.getCommitterIdent());
    altered.setMessage(last.getFullMessage());
    altered.setGpgSignature(new GpgSignature(last.getRawGpgSignature()));
    ObjectId alteredId;
    try (ObjectInserter inserter = origin.newObjectInserter()) {
      alteredId = inserter.insert(altered);
      inserter.flush();
    }
    move(GitAuditLog.BRANCH, alteredId);
    deliver(null, null, record(AuditEvent.BUILD_SUCCEEDED, "r2", null).build());

    AuditVerifier.Report report = trusting.verify(origin, GitAuditLog.BRANCH, List.of());
    assertThat(report.problems())
        .extracting(AuditVerifier.Problem::toString)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("commit " + alteredId.getName().substring(0, 12))
                    .contains("bad signature"))
        .anySatisfy(p -> assertThat(p).endsWith(": not signed"));
  }

  @Test
  void sshSignedRecordsVerifyAgainstTheirPublicKey() throws Exception {
    SshAuditSigner signer = SshAuditSigner.of(SshSigningTest.ed25519());
    deliver(signer, null, completeRun("r1"));

    AuditVerifier.Report report =
        AuditVerifier.builder()
            .clock(LATER)
            .trustedKeys(OpenPgpAuditVerifier.of(TestKeys.generate("x <x@localhost>").publicKey()))
            .trustedKeys(SshAuditVerifier.of("cairn " + signer.publicKey()))
            .requireSigned()
            .build()
            .verify(origin, GitAuditLog.BRANCH, List.of());

    assertThat(report.problems()).isEmpty();
    assertThat(report.signed()).isEqualTo(4);
    assertThat(new String(lastCommit().getRawGpgSignature(), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN SSH SIGNATURE-----");
  }

  @Test
  void aWrongPassphraseOrAFileWithoutKeysIsAClearError() throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OpenPgpAuditSigner.of("not a key".getBytes(StandardCharsets.UTF_8), new char[0]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("OpenPGP");
  }

  // ---- helpers

  private AuditVerifier verifier() {
    return AuditVerifier.builder().clock(LATER).build();
  }

  private AuditRecord[] completeRun(String run) {
    return new AuditRecord[] {
      record(AuditEvent.RUN_STARTED, run, null).build(),
      record(AuditEvent.BUILD_SUCCEEDED, run, null).build(),
      record(AuditEvent.DEPLOYMENT_STARTED, run, "production").build(),
      record(AuditEvent.DEPLOYED, run, "production").build()
    };
  }

  private AuditRecord.Builder record(AuditEvent event, String run, String environment) {
    return AuditRecord.builder()
        .event(event)
        .occurredAt(T0.plusSeconds(seconds.incrementAndGet()))
        .run(run)
        .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
        .commit(app)
        .environment(environment)
        .cairnVersion("0.1.0-test");
  }

  private void deliver(AuditSigner signer, Path tipFile, AuditRecord... records)
      throws IOException {
    try (GitAuditLog log =
        GitAuditLog.builder()
            .remote(fixture.origin())
            .repository(dir.resolve("writer-" + (++logs) + ".git"))
            .outbox(dir.resolve("outbox-" + logs))
            .signer(signer)
            .deliveredTip(tipFile)
            .build()) {
      for (AuditRecord r : records) {
        log.append(r);
      }
      assertThat(log.flush().delivered()).isTrue();
    }
  }

  private static List<AuditVerifier.KnownTip> known(Path file, String source) throws IOException {
    return List.of(new AuditVerifier.KnownTip(AuditTipFile.read(file).orElseThrow(), source));
  }

  private ObjectId tip() throws IOException {
    return origin.exactRef(GitAuditLog.BRANCH).getObjectId();
  }

  private RevCommit lastCommit() throws IOException {
    try (RevWalk walk = new RevWalk(origin)) {
      return walk.parseCommit(tip());
    }
  }

  private ObjectId firstCommit() throws IOException {
    try (RevWalk walk = new RevWalk(origin)) {
      walk.markStart(walk.parseCommit(tip()));
      RevCommit last = null;
      for (RevCommit c : walk) {
        last = c;
      }
      return last;
    }
  }

  private void move(String ref, ObjectId to) throws IOException {
    RefUpdate u = origin.updateRef(ref);
    u.setNewObjectId(to);
    u.setForceUpdate(true);
    assertThat(u.update()).isIn(RefUpdate.Result.FORCED, RefUpdate.Result.FAST_FORWARD);
  }

  /** Adds a commit to the origin's audit branch directly, as a person with write access could. */
  private ObjectId commit(Map<String, String> files, String message, Instant when)
      throws IOException {
    ObjectId parent = tip();
    try (ObjectInserter inserter = origin.newObjectInserter();
        RevWalk walk = new RevWalk(origin)) {
      DirCache index = DirCache.read(walk.getObjectReader(), walk.parseCommit(parent).getTree());
      DirCacheEditor editor = index.editor();
      for (var f : files.entrySet()) {
        ObjectId blob =
            inserter.insert(Constants.OBJ_BLOB, f.getValue().getBytes(StandardCharsets.UTF_8));
        editor.add(
            new DirCacheEditor.PathEdit(f.getKey()) {
              @Override
              public void apply(DirCacheEntry e) {
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(blob);
              }
            });
      }
      editor.finish();
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(index.writeTree(inserter));
      c.setParentId(parent);
      PersonIdent who = new PersonIdent("Mallory", "m@localhost", when, ZoneOffset.UTC);
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage(message);
      ObjectId id = inserter.insert(c);
      inserter.flush();
      move(GitAuditLog.BRANCH, id);
      return id;
    }
  }
}
