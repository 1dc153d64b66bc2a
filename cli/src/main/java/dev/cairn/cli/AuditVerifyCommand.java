package dev.cairn.cli;

import dev.cairn.git.audit.AuditTipFile;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.git.audit.AuditVerifier;
import dev.cairn.git.audit.OpenPgpAuditVerifier;
import dev.cairn.git.audit.SshAuditVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn audit verify}: checks that the trail only moved forward, that every commit adds one
 * well-formed record matching its trailers, that signatures are valid, and that runs have their
 * records. Exit 0 with one line when it is intact, 1 with a report when not.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check the audit trail's integrity.",
      "It only moved forward since Cairn last saw it, every commit adds one",
      "well-formed record matching its trailers, signatures are valid, and every",
      "run has its records. Exit 0 with a summary, or 1 with every problem found."
    })
public final class AuditVerifyCommand implements Callable<Integer> {
  /** The file where Cairn's writer records the tip of every push (see docs/audit-trail.md). */
  static final String DELIVERED_TIP = "delivered-tip";

  @Mixin AuditSource source;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "Trusted public keys (repeatable): OpenPGP (gpg --export --armor) or SSH (ssh-ed25519"
              + " lines, e.g. a .pub or allowed-signers file); signatures are checked against"
              + " them.")
  List<Path> keys = new ArrayList<>();

  @Option(names = "--require-signed", description = "Report every unsigned record commit.")
  boolean requireSigned;

  @Option(
      names = "--full",
      description =
          "Check every commit in full (default: only those after the last successful verify).")
  boolean full;

  @Option(
      names = "--grace",
      defaultValue = "1h",
      paramLabel = "DURATION",
      description =
          "Runs with a record newer than this are still running, not incomplete (default: 1h).")
  String grace;

  @Override
  public Integer call() throws Exception {
    AuditVerifier.Builder builder = AuditVerifier.builder();
    builder.grace(
        dev.cairn.pipeline.file.Durations.parse(grace)
            .orElseThrow(
                () ->
                    new UserInputException(
                        "--grace: '" + grace + "' is not a duration like 30m or 1h")));
    for (Path key : keys) {
      if (!Files.isRegularFile(key)) {
        throw new UserInputException("--key " + key + ": no such file");
      }
      try {
        byte[] bytes = Files.readAllBytes(key);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        builder.trustedKeys(
            text.contains("ssh-ed25519 ")
                ? SshAuditVerifier.of(text)
                : OpenPgpAuditVerifier.of(bytes));
      } catch (IOException e) {
        throw new UserInputException("--key " + key + ": " + e.getMessage());
      }
    }
    if (requireSigned) {
      if (keys.isEmpty()) {
        throw new UserInputException("--require-signed needs --key FILE to check signatures");
      }
      builder.requireSigned();
    }
    Path audit = CairnHome.path().resolve("audit");
    Path delivered = audit.resolve(DELIVERED_TIP);
    Path verified = audit.resolve("verified").resolve(source.key());
    List<AuditVerifier.KnownTip> known = new ArrayList<>();
    readTip(delivered, "when Cairn last delivered records").ifPresent(known::add);
    var lastVerified = readTip(verified, "at the last successful verify");
    lastVerified.ifPresent(known::add);
    // Signatures are checked on every commit when keys are given: the keys may have changed.
    String checkedUpTo =
        full || !keys.isEmpty() ? null : lastVerified.map(k -> k.commit()).orElse(null);
    AuditVerifier.Report report;
    try (AuditTrail trail = source.open()) {
      report = builder.build().verify(trail.repository(), trail.ref(), known, checkedUpTo);
    }
    if (report.ok()) {
      if (report.tip() != null) {
        AuditTipFile.write(verified, report.tip());
      }
      System.out.println(
          "audit trail intact: "
              + report.commits()
              + " records ("
              + report.checkedInFull()
              + " checked in full), "
              + report.runs()
              + " runs"
              + (keys.isEmpty()
                  ? ""
                  : ", " + report.signed() + " signed, " + report.unsigned() + " unsigned")
              + (report.tip() == null ? " (no cairn/audit branch)" : ", tip " + report.tip()));
      return ExitCodes.OK;
    }
    System.out.println(
        "audit trail NOT intact ("
            + source.describe()
            + ", tip "
            + (report.tip() == null ? "none" : report.tip())
            + "): "
            + report.problems().size()
            + " problem"
            + (report.problems().size() == 1 ? "" : "s")
            + " in "
            + report.commits()
            + " records");
    for (AuditVerifier.Problem p : report.problems()) {
      System.out.println("  " + p);
    }
    return ExitCodes.CHECK_FAILED;
  }

  private static java.util.Optional<AuditVerifier.KnownTip> readTip(Path file, String source)
      throws IOException {
    return AuditTipFile.read(file).map(tip -> new AuditVerifier.KnownTip(tip, source));
  }
}
