package dev.cairn.git.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * Signs audit commits with an SSH Ed25519 key, in the {@code SSHSIG} format git uses with {@code
 * gpg.format=ssh} (namespace {@code git}, SHA-512), so {@code git verify-commit} with an allowed
 * signers file accepts them. The key is an unencrypted OpenSSH private key file.
 */
public final class SshAuditSigner implements AuditSigner {
  private final PrivateKey key;
  private final byte[] publicBlob;

  private SshAuditSigner(PrivateKey key, byte[] publicBlob) {
    this.key = key;
    this.publicBlob = publicBlob;
  }

  /**
   * A signer from an OpenSSH private key file's content ({@code ssh-keygen -t ed25519 -N ''}).
   *
   * @throws IOException when it is not an unencrypted Ed25519 key (the message never shows it)
   */
  public static SshAuditSigner of(byte[] openSshPrivateKey) throws IOException {
    SshKeys.Pair pair = SshKeys.readPrivate(new String(openSshPrivateKey, StandardCharsets.UTF_8));
    return new SshAuditSigner(pair.privateKey(), pair.publicBlob());
  }

  /** A signer from a Java Ed25519 key pair. */
  public static SshAuditSigner of(java.security.KeyPair pair) {
    return new SshAuditSigner(pair.getPrivate(), SshKeys.publicBlob(pair.getPublic()));
  }

  /**
   * The public key as an {@code authorized_keys} / allowed-signers key: {@code ssh-ed25519 AAAA…}.
   */
  public String publicKey() {
    return SshKeys.ED25519 + " " + java.util.Base64.getEncoder().encodeToString(publicBlob);
  }

  @Override
  public byte[] sign(byte[] payload) throws IOException {
    try {
      byte[] signed = SshSig.signedData(SshSig.hash(payload));
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(signed);
      byte[] raw = s.sign();
      byte[] signature = new SshKeys.Writer().string(SshKeys.ED25519).string(raw).bytes();
      return SshSig.armor(SshSig.blob(publicBlob, signature));
    } catch (GeneralSecurityException e) {
      throw new IOException("Cannot sign the audit commit: " + e.getMessage());
    }
  }

  @Override
  public AuditSignatureVerifier verifier() {
    return SshAuditVerifier.trusting(publicBlob);
  }

  @Override
  public String keyId() {
    return SshKeys.fingerprint(publicBlob);
  }
}
