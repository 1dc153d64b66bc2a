package dev.cairn.cli.loop;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.audit.AuditSignatureVerifier;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.pipeline.port.AuditHistory;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.runtime.EnvironmentRecovery;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Git as memory at startup: when CAIRN_HOME has no environment ledger at all (a new or lost state
 * directory), or a ledger cannot be read (it is moved aside), the ledgers are rebuilt from the
 * repository's audit trail, so Cairn still knows each environment's last good release (the rollback
 * target) and the commits it must not deploy again. It also records which remote the trail is read
 * from, for {@code cairn history} and friends.
 *
 * <p>When audit commits are signed, only records whose commits verify against the signing key are
 * used: a record someone with push access appended without the key (a forged {@code deployed} would
 * choose the next rollback target) is ignored.
 */
final class TrailRecovery {
  /** Where the trail is fetched to, under CAIRN_HOME. */
  static final String CACHE = "audit/trail.git";

  /** The file naming the served repository, read by the CLI's trail commands. */
  static final String REMOTE_FILE = "audit/remote";

  private TrailRecovery() {}

  /**
   * Seeds missing ledgers from the trail when no ledger exists or one was corrupt.
   *
   * @param home CAIRN_HOME
   * @param environments where the environments' states are kept
   * @param remote the application repository (local path or URL)
   * @param shownRemote the remote without user info, for the CLI's file
   * @param credentials for HTTPS remotes
   * @param trusted the keys audit commits are signed with; empty when signing is off (then every
   *     record is used)
   * @param listener told what was recovered, or why it could not be
   * @return the environments recovered
   */
  static List<String> recover(
      Path home,
      EnvironmentStore environments,
      String remote,
      String shownRemote,
      Supplier<RemoteCredentials> credentials,
      List<AuditSignatureVerifier> trusted,
      PipelineListener listener) {
    try {
      Files.createDirectories(home.resolve("audit"));
      Files.writeString(home.resolve(REMOTE_FILE), shownRemote + "\n", StandardCharsets.UTF_8);
      List<String> corrupt = quarantineCorrupt(home, environments, listener);
      if (corrupt.isEmpty() && hasLedgers(home)) {
        return List.of();
      }
      try (AuditTrail trail =
          AuditTrail.fetch(
              remote,
              home.resolve(CACHE),
              credentials,
              Duration.ofSeconds(15),
              home.resolve("audit").resolve("index"))) {
        AuditHistory history = trusted.isEmpty() ? trail : trail.trusting(trusted);
        List<String> seeded = EnvironmentRecovery.seedMissing(environments, history);
        int ignored = trail.entries().size() - history.entries().size();
        for (String environment : seeded) {
          EnvironmentState state = environments.read(environment);
          listener.event(
              new RunEvent(
                  "-",
                  RunEvent.Kind.RECOVERED,
                  environment,
                  "from the audit trail: last good "
                      + state.lastGood().map(g -> g.commit().substring(0, 7)).orElse("none")
                      + ", "
                      + state.bad().size()
                      + " commit(s) marked bad"
                      + (ignored == 0
                          ? ""
                          : "; " + ignored + " record(s) not signed with the audit key ignored")));
        }
        return seeded;
      }
    } catch (IOException | RuntimeException e) {
      // Without the trail Cairn still runs; it only lacks the history it could not read.
      listener.event(
          new RunEvent(
              "-",
              RunEvent.Kind.ERROR,
              null,
              "could not recover environments from the audit trail: " + e.getMessage()));
      return List.of();
    }
  }

  /**
   * Moves each ledger that cannot be read (truncated, not JSON: a disk or a person broke it) aside
   * as {@code ENV.json.corrupt-MILLIS}, so that it is rebuilt from the trail instead of failing
   * every later run of its environment; the file is kept for a person to look at.
   *
   * @return the environments whose ledgers were moved
   */
  static List<String> quarantineCorrupt(
      Path home, EnvironmentStore environments, PipelineListener listener) throws IOException {
    Path directory = home.resolve("environments");
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Path> ledgers;
    try (Stream<Path> files = Files.list(directory)) {
      ledgers = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
    }
    List<String> moved = new java.util.ArrayList<>();
    for (Path ledger : ledgers) {
      String environment = ledger.getFileName().toString().replaceFirst("\\.json$", "");
      try {
        environments.read(environment);
      } catch (java.io.UncheckedIOException e) {
        Path aside =
            ledger.resolveSibling(ledger.getFileName() + ".corrupt-" + System.currentTimeMillis());
        Files.move(ledger, aside);
        moved.add(environment);
        listener.event(
            new RunEvent(
                "-",
                RunEvent.Kind.ERROR,
                environment,
                "its ledger could not be read ("
                    + e.getCause().getMessage()
                    + "); moved to "
                    + aside.getFileName()
                    + " and rebuilt from the audit trail"));
      } catch (IllegalArgumentException e) {
        // Not an environment's name: not a ledger Cairn wrote, left alone.
      }
    }
    return moved;
  }

  private static boolean hasLedgers(Path home) throws IOException {
    Path environments = home.resolve("environments");
    if (!Files.isDirectory(environments)) {
      return false;
    }
    try (Stream<Path> files = Files.list(environments)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
    }
  }
}
