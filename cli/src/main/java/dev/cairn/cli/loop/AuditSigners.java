package dev.cairn.cli.loop;

import dev.cairn.git.audit.AuditSigner;
import dev.cairn.git.audit.OpenPgpAuditSigner;
import dev.cairn.git.audit.SshAuditSigner;
import dev.cairn.pipeline.port.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The key audit commits are signed with, from the secret store: {@code audit-signing-key} holds an
 * unencrypted OpenSSH Ed25519 private key or an armored OpenPGP secret key (whose passphrase, if
 * any, is {@code audit-signing-passphrase}). Without it, commits are not signed.
 */
final class AuditSigners {
  static final String KEY = "audit-signing-key";
  static final String PASSPHRASE = "audit-signing-passphrase";

  private AuditSigners() {}

  /**
   * The configured signer, or empty.
   *
   * @throws IllegalArgumentException when the secret holds no usable key (never showing it)
   */
  static Optional<AuditSigner> fromSecrets(SecretStore secrets) {
    Optional<String> key = secrets.get(KEY);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = key.get().getBytes(StandardCharsets.UTF_8);
    try {
      if (key.get().contains("OPENSSH PRIVATE KEY")) {
        return Optional.of(SshAuditSigner.of(bytes));
      }
      return Optional.of(
          OpenPgpAuditSigner.of(bytes, secrets.get(PASSPHRASE).orElse("").toCharArray()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the secret " + KEY + " cannot sign audit commits: " + e.getMessage());
    }
  }
}
