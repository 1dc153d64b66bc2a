package dev.cairn.git.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Checks SSH ({@code SSHSIG}, namespace {@code git}) signatures of audit commits against trusted
 * Ed25519 public keys.
 */
public final class SshAuditVerifier implements AuditSignatureVerifier {
  private final List<byte[]> trusted;

  private SshAuditVerifier(List<byte[]> trusted) {
    this.trusted = trusted;
  }

  /**
   * A verifier trusting the {@code ssh-ed25519} keys in a text of {@code authorized_keys} or git
   * allowed-signers lines (a leading principal and options are ignored; {@code #} starts a
   * comment).
   *
   * @throws IOException when the text holds no ssh-ed25519 key
   */
  public static SshAuditVerifier of(String keys) throws IOException {
    List<byte[]> trusted = new ArrayList<>();
    for (String line : keys.lines().toList()) {
      String[] words = line.strip().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals(SshKeys.ED25519)) {
          try {
            byte[] blob = Base64.getDecoder().decode(words[i + 1]);
            SshKeys.publicKey(blob);
            trusted.add(blob);
          } catch (IllegalArgumentException e) {
            throw new IOException("not a valid ssh-ed25519 key: " + words[i + 1]);
          }
          break;
        }
      }
    }
    if (trusted.isEmpty()) {
      throw new IOException("no ssh-ed25519 public key found");
    }
    return new SshAuditVerifier(trusted);
  }

  /** A verifier trusting one key, given as its SSH wire blob (a signer's own). */
  static SshAuditVerifier trusting(byte[] publicBlob) {
    return new SshAuditVerifier(List.of(publicBlob.clone()));
  }

  @Override
  public boolean handles(byte[] signature) {
    return new String(signature, StandardCharsets.US_ASCII).startsWith(SshSig.BEGIN);
  }

  @Override
  public Result verify(byte[] payload, byte[] signature) {
    SshSig.Parsed parsed;
    try {
      parsed = SshSig.parse(signature);
    } catch (IOException e) {
      return new Result(Outcome.INVALID, null);
    }
    String keyId = SshKeys.fingerprint(parsed.publicBlob());
    if (trusted.stream().noneMatch(t -> Arrays.equals(t, parsed.publicBlob()))) {
      return new Result(Outcome.UNKNOWN_KEY, keyId);
    }
    if (!"git".equals(parsed.namespace()) || !"sha512".equals(parsed.hash())) {
      return new Result(Outcome.INVALID, keyId);
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(SshKeys.publicKey(parsed.publicBlob()));
      s.update(SshSig.signedData(SshSig.hash(payload)));
      return new Result(s.verify(parsed.rawSignature()) ? Outcome.VALID : Outcome.INVALID, keyId);
    } catch (GeneralSecurityException | IOException e) {
      return new Result(Outcome.INVALID, keyId);
    }
  }
}
