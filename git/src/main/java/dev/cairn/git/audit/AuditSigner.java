package dev.cairn.git.audit;

import java.io.IOException;

/**
 * Signs audit commits. The signature goes into the commit's {@code gpgsig} header, where {@code git
 * log --show-signature} and git hosts look for it.
 */
public interface AuditSigner {

  /**
   * Signs a commit's bytes (the commit object without its signature header).
   *
   * @param payload the raw commit
   * @return the signature, ASCII-armored
   * @throws IOException when the key cannot be used
   */
  byte[] sign(byte[] payload) throws IOException;

  /** The key's fingerprint or id, as reports show it (never the key itself). */
  String keyId();

  /**
   * A verifier that trusts exactly this signer's public key: what decisions taken from the trail
   * use to tell Cairn's own records from records someone else appended (see {@link
   * AuditTrail#trusting}).
   */
  AuditSignatureVerifier verifier();
}
