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
    UNKNOWN_KEY
  }

  /**
   * The result of one check.
   *
   * @param outcome the outcome
   * @param keyId the signing key's id or fingerprint, or null when the signature was unreadable
   */
  record Result(Outcome outcome, String keyId) {}

  /** True when the signature is of the kind this verifier checks (by its armor). */
  boolean handles(byte[] signature);

  /** Checks a signature over the signed bytes (the commit without its signature header). */
  Result verify(byte[] payload, byte[] signature);
}
