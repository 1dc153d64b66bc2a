package dev.cairn.git.audit;

/** Checks the signatures of audit commits against trusted keys of one kind (OpenPGP or SSH). */
public interface AuditSignatureVerifier {

  /** How a signature checked out. */
  enum Outcome {
    /** Made by a trusted key over exactly these bytes. */
    VALID,
    /** Not over these bytes (the commit was altered), or unreadable. */
    INVALID,
    /** Made by a key that is not among the trusted ones. */
    UNKNOWN_KEY,
    /**
     * Made by a trusted key that may not make it: revoked, expired when it signed, or not flagged
     * for signing.
     */
    UNUSABLE_KEY
  }

  /**
   * The result of one check.
   *
   * @param outcome the outcome
   * @param keyId the signing key's id or fingerprint, or null when the signature was unreadable
   * @param reason why the key may not sign, for {@link Outcome#UNUSABLE_KEY}; else null
   */
  record Result(Outcome outcome, String keyId, String reason) {
    /** A result that needs no reason. */
    public Result(Outcome outcome, String keyId) {
      this(outcome, keyId, null);
    }
  }

  /** True when the signature is of the kind this verifier checks (by its armor). */
  boolean handles(byte[] signature);

  /** Checks a signature over the signed bytes (the commit without its signature header). */
  Result verify(byte[] payload, byte[] signature);
}
