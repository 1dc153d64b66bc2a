package dev.cairn.git.audit;

import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

/**
 * Whether an OpenPGP key may make a signature at a given time: not revoked (nor its primary key),
 * not expired then (nor its primary key), and, when its self-signatures carry key flags, flagged
 * for signing data. The signer and the verifier ask the same question, so a key Cairn refuses to
 * sign with is also one whose old signatures stop counting once it is revoked.
 */
final class OpenPgpKeyUse {
  private OpenPgpKeyUse() {}

  /**
   * Why {@code key} may not sign at {@code at}, or empty when it may.
   *
   * @param primary the primary key of the key's ring (the key itself when it is the primary)
   * @param key the key that signs
   * @param at when the signature is (or was) made
   */
  static Optional<String> refusal(PGPPublicKey primary, PGPPublicKey key, Instant at) {
    // A revocation is not checked cryptographically: a forged one can only make Cairn trust less.
    if (primary.hasRevocation() || key.hasRevocation()) {
      return Optional.of("the key is revoked");
    }
    if (at.isBefore(key.getCreationTime().toInstant())) {
      return Optional.of("the signature is older than the key");
    }
    if (expiredAt(primary, at) || expiredAt(key, at)) {
      return Optional.of("the key had expired when it signed");
    }
    if (!flaggedForSigning(key)) {
      return Optional.of("the key's flags do not allow signing");
    }
    return Optional.empty();
  }

  private static boolean expiredAt(PGPPublicKey key, Instant at) {
    long validSeconds = key.getValidSeconds(); // 0: never expires
    return validSeconds > 0
        && at.isAfter(key.getCreationTime().toInstant().plusSeconds(validSeconds));
  }

  /**
   * True unless the key's self-signatures (user-id certifications and direct-key signatures of a
   * primary key, binding signatures of a subkey) carry key flags and none allows signing data. Keys
   * made without flags (old tools) may sign, as OpenPGP implementations treat them.
   */
  private static boolean flaggedForSigning(PGPPublicKey key) {
    boolean anyFlags = false;
    for (Iterator<PGPSignature> it = key.getSignatures(); it.hasNext(); ) {
      PGPSignature signature = it.next();
      if (!isSelfSignature(key, signature)) {
        continue;
      }
      PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
      int flags = hashed == null ? 0 : hashed.getKeyFlags();
      if (flags != 0) {
        anyFlags = true;
        if ((flags & KeyFlags.SIGN_DATA) != 0) {
          return true;
        }
      }
    }
    return !anyFlags;
  }

  private static boolean isSelfSignature(PGPPublicKey key, PGPSignature signature) {
    return switch (signature.getSignatureType()) {
      case PGPSignature.SUBKEY_BINDING -> !key.isMasterKey();
      case PGPSignature.DEFAULT_CERTIFICATION,
          PGPSignature.NO_CERTIFICATION,
          PGPSignature.CASUAL_CERTIFICATION,
          PGPSignature.POSITIVE_CERTIFICATION,
          PGPSignature.DIRECT_KEY ->
          key.isMasterKey() && signature.getKeyID() == key.getKeyID();
      default -> false;
    };
  }
}
