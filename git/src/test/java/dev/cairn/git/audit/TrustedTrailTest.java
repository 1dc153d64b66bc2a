package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.git.GitFixture;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.audit.TrailEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decisions from a signed trail: a record appended by someone with push access but without the
 * signing key must not choose the last good release (the next rollback target).
 */
class TrustedTrailTest {
  @TempDir Path dir;
  private GitFixture fixture;
  private String good;
  private String chosen;
  private SshAuditSigner cairnKey;

  @BeforeEach
  void setUp() throws Exception {
    fixture = GitFixture.create(dir);
    good = fixture.commitAndPush("notes: add search").name();
    chosen = fixture.commitAndPush("notes: the attacker's pick").name();
    cairnKey = SshAuditSigner.of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void aForgedUnsignedDeployedRecordIsIgnoredForTheLastGoodReleaseWhenAKeyIsConfigured()
      throws Exception {
    deliverSigned(deployed(good, "2026-12-01T10:00:00Z"));
    appendWithJGit(deployed(chosen, "2026-12-01T11:00:00Z"), null);

    try (AuditTrail trail = AuditTrail.open(fixture.origin(), null, null)) {
      assertThat(lastGood(trail.entries())).isEqualTo(chosen);
      assertThat(lastGood(trail.trusting(List.of(cairnKey.verifier())).entries())).isEqualTo(good);
    }
  }

  @Test
  void aRecordSignedWithAnotherKeyIsIgnoredAndOneSignedWithTheKeyIsUsed() throws Exception {
    deliverSigned(deployed(good, "2026-12-01T10:00:00Z"));
    SshAuditSigner otherKey =
        SshAuditSigner.of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    appendWithJGit(deployed(chosen, "2026-12-01T11:00:00Z"), otherKey);

    try (AuditTrail trail = AuditTrail.open(fixture.origin(), null, null)) {
      assertThat(lastGood(trail.trusting(List.of(cairnKey.verifier())).entries())).isEqualTo(good);
    }

    // Cairn itself deploys that commit later: its signed record counts.
    deliverSigned(deployed(chosen, "2026-12-01T12:00:00Z"));
    try (AuditTrail trail = AuditTrail.open(fixture.origin(), null, null)) {
      List<TrailEntry> trusted = trail.trusting(List.of(cairnKey.verifier())).entries();
      assertThat(lastGood(trusted)).isEqualTo(chosen);
      assertThat(trusted).hasSize(2);
      assertThat(trail.entries()).hasSize(3);
    }
  }

  @Test
  void anOpenPgpSignersOwnVerifierTrustsItsSignaturesOnly() throws Exception {
    OpenPgpAuditSigner signer =
        OpenPgpAuditSigner.of(TestKeys.generate("cairn").secret(), new char[0]);
    OpenPgpAuditSigner other =
        OpenPgpAuditSigner.of(TestKeys.generate("other").secret(), new char[0]);
    byte[] payload = "tree 0000\n\nrecord\n".getBytes(StandardCharsets.UTF_8);

    AuditSignatureVerifier verifier = signer.verifier();

    assertThat(verifier.verify(payload, signer.sign(payload)).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.VALID);
    assertThat(verifier.verify(payload, other.sign(payload)).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.UNKNOWN_KEY);
  }

  private static String lastGood(List<TrailEntry> entries) {
    return ReleaseMemory.derive(entries)
        .get("production")
        .lastGood()
        .map(ReleaseMemory.Release::commit)
        .orElse(null);
  }

  private AuditRecord deployed(String commit, String at) {
    Instant when = Instant.parse(at);
    return AuditRecord.builder()
        .id(AuditRecord.newId(Clock.fixed(when, ZoneOffset.UTC)))
        .event(AuditEvent.DEPLOYED)
        .occurredAt(when)
        .commit(commit)
        .environment("production")
        .artifact("sha256:" + "ab".repeat(32))
        .cairnVersion("test")
        .build();
  }

  private void deliverSigned(AuditRecord record) throws Exception {
    try (GitAuditLog log =
        GitAuditLog.builder()
            .remote(fixture.origin())
            .repository(dir.resolve("cairn.git"))
            .outbox(dir.resolve("cairn-outbox"))
            .signer(cairnKey)
            .build()) {
      log.append(record);
      assertThat(log.flush().delivered()).isTrue();
    }
  }

  /** What someone with push access can do: add a well-formed record commit to the branch. */
  private void appendWithJGit(AuditRecord record, AuditSigner signer) throws Exception {
    try (Repository origin = fixture.openOrigin();
        ObjectInserter inserter = origin.newObjectInserter();
        RevWalk walk = new RevWalk(origin)) {
      ObjectId tip = origin.exactRef(GitAuditLog.BRANCH).getObjectId();
      ObjectId forged =
          new AuditCommitWriter(origin, "Cairn", "cairn@localhost", Clock.systemUTC(), signer)
              .commitRecord(inserter, walk, tip, record);
      inserter.flush();
      RefUpdate update = origin.updateRef(GitAuditLog.BRANCH);
      update.setExpectedOldObjectId(tip);
      update.setNewObjectId(forged);
      assertThat(update.update()).isEqualTo(RefUpdate.Result.FAST_FORWARD);
    }
  }
}
