package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.git.audit.GitAuditLog;
import dev.cairn.git.audit.SshAuditSigner;
import dev.cairn.local.state.FileEnvironmentStore;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.port.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery at startup: from a signed trail, when the trail cannot be read, or need not be. */
class TrailRecoveryTest {
  @TempDir Path home;
  private final List<String> events = new CopyOnWriteArrayList<>();

  private void heard(RunEvent event) {
    events.add(event.kind().wireName() + ": " + event.message());
  }

  @Test
  void anUnreachableRemoteIsReportedWithoutItsSecretAndCairnGoesOn() throws Exception {
    List<String> seeded =
        TrailRecovery.recover(
            home,
            new FileEnvironmentStore(home.resolve("environments")),
            "http://cairn:canary-pass@127.0.0.1:1/app.git",
            "http://127.0.0.1:1/app.git",
            null,
            List.of(),
            this::heard);

    assertThat(seeded).isEmpty();
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("error: could not recover environments from the audit trail")
        .contains("127.0.0.1:1")
        .doesNotContain("canary-pass");
    assertThat(Files.readString(home.resolve("audit/remote")))
        .isEqualTo("http://127.0.0.1:1/app.git\n");
  }

  @Test
  void existingLedgersAreNotRecoveredAndTheRemoteIsNotAsked() throws Exception {
    Files.createDirectories(home.resolve("environments"));
    Files.writeString(home.resolve("environments/production.json"), "{}");

    List<String> seeded =
        TrailRecovery.recover(
            home,
            new FileEnvironmentStore(home.resolve("environments")),
            "http://127.0.0.1:1/app.git",
            "http://127.0.0.1:1/app.git",
            null,
            List.of(),
            this::heard);

    assertThat(seeded).isEmpty();
    assertThat(events).isEmpty();
    assertThat(Files.exists(home.resolve("audit/trail.git"))).isFalse();
  }

  @Test
  void withASigningKeyARecordAppendedWithoutTheKeyDoesNotChooseTheLastGoodRelease()
      throws Exception {
    Path remote = home.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).call().close();
    String good = "1111111111111111111111111111111111111111";
    String forged = "2222222222222222222222222222222222222222";
    SshAuditSigner cairnKey =
        SshAuditSigner.of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    deliver(remote, "cairn", cairnKey, deployed(good, Instant.parse("2026-12-01T10:00:00Z")));
    // Someone with push access but without the key appends a later "deployed" of their choice.
    deliver(remote, "forger", null, deployed(forged, Instant.parse("2026-12-01T11:00:00Z")));

    Path state = home.resolve("cairn-home");
    List<String> seeded =
        TrailRecovery.recover(
            state,
            new FileEnvironmentStore(state.resolve("environments")),
            remote.toString(),
            remote.toString(),
            null,
            List.of(cairnKey.verifier()),
            this::heard);

    assertThat(seeded).containsExactly("production");
    assertThat(
            new FileEnvironmentStore(state.resolve("environments"))
                .read("production")
                .lastGood()
                .orElseThrow()
                .commit())
        .isEqualTo(good);
    assertThat(events)
        .singleElement()
        .asString()
        .isEqualTo(
            "recovered: from the audit trail: last good 1111111, 0 commit(s) marked bad; 1"
                + " record(s) not signed with the audit key ignored");
  }

  @Test
  void withoutASigningKeyEveryRecordCounts() throws Exception {
    Path remote = home.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).call().close();
    String later = "2222222222222222222222222222222222222222";
    deliver(remote, "a", null, deployed(later, Instant.parse("2026-12-01T11:00:00Z")));

    Path state = home.resolve("cairn-home");
    TrailRecovery.recover(
        state,
        new FileEnvironmentStore(state.resolve("environments")),
        remote.toString(),
        remote.toString(),
        null,
        List.of(),
        this::heard);

    assertThat(
            new FileEnvironmentStore(state.resolve("environments"))
                .read("production")
                .lastGood()
                .orElseThrow()
                .commit())
        .isEqualTo(later);
  }

  @Test
  void aTruncatedLedgerIsMovedAsideReportedAndRebuiltFromTheTrailTheOthersKept() throws Exception {
    Path remote = home.resolve("remote.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).call().close();
    String good = "3333333333333333333333333333333333333333";
    deliver(remote, "a", null, deployed(good, Instant.parse("2026-12-01T11:00:00Z")));
    Path state = home.resolve("cairn-home");
    FileEnvironmentStore store = new FileEnvironmentStore(state.resolve("environments"));
    store.update("staging", s -> s.withBad("4444444444444444444444444444444444444444"));
    // A write cut short by a crash of the machine, or a person's edit.
    Files.writeString(state.resolve("environments/production.json"), "{\"environment\": \"prod");

    List<String> seeded =
        TrailRecovery.recover(
            state, store, remote.toString(), remote.toString(), null, List.of(), this::heard);

    assertThat(seeded).containsExactly("production");
    assertThat(store.read("production").lastGood().orElseThrow().commit()).isEqualTo(good);
    assertThat(store.read("staging").bad()).hasSize(1);
    try (var files = Files.list(state.resolve("environments"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(name -> name.startsWith("production.json.corrupt-"));
    }
    assertThat(events.getFirst())
        .startsWith("error: its ledger could not be read (")
        .contains("rebuilt from the audit trail");
  }

  private static AuditRecord deployed(String commit, Instant at) {
    return AuditRecord.builder()
        .id(AuditRecord.newId(java.time.Clock.fixed(at, java.time.ZoneOffset.UTC)))
        .event(AuditEvent.DEPLOYED)
        .occurredAt(at)
        .commit(commit)
        .environment("production")
        .artifact("sha256:" + "ab".repeat(32))
        .cairnVersion("test")
        .build();
  }

  /** Appends one record to the remote's trail, signed when a signer is given. */
  private void deliver(Path remote, String name, SshAuditSigner signer, AuditRecord record)
      throws Exception {
    try (GitAuditLog log =
        GitAuditLog.builder()
            .remote(remote)
            .repository(home.resolve(name + ".git"))
            .outbox(home.resolve(name + "-outbox"))
            .signer(signer)
            .build()) {
      log.append(record);
      assertThat(log.flush().delivered()).isTrue();
    }
  }
}
