package dev.cairn.git.audit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * Checks OpenPGP signatures of audit commits against a set of trusted public keys. A signature by a
 * trusted key counts only if the key could sign when it was made ({@link OpenPgpKeyUse}): a revoked
 * key's signatures stop counting, an expired key's later ones never count.
 */
public final class OpenPgpAuditVerifier implements AuditSignatureVerifier {
  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  private final PGPPublicKeyRingCollection trusted;

  private OpenPgpAuditVerifier(PGPPublicKeyRingCollection trusted) {
    this.trusted = trusted;
  }

  /**
   * A verifier trusting the keys in an armored (or binary) public key ring ({@code gpg --export
   * --armor KEYID}).
   *
   * @throws IOException when the bytes are not OpenPGP public keys
   */
  public static OpenPgpAuditVerifier of(byte[] publicKeys) throws IOException {
    Objects.requireNonNull(publicKeys, "publicKeys");
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(publicKeys))) {
      return new OpenPgpAuditVerifier(
          new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator()));
    } catch (PGPException e) {
      throw new IOException("Not an OpenPGP public key file: " + e.getMessage());
    }
  }

  /** A verifier trusting the public keys of one key ring (a signer's own). */
  static OpenPgpAuditVerifier trusting(PGPPublicKeyRing ring) {
    return new OpenPgpAuditVerifier(new PGPPublicKeyRingCollection(List.of(ring)));
  }

  @Override
  public boolean handles(byte[] signature) {
    return new String(signature, java.nio.charset.StandardCharsets.US_ASCII)
        .startsWith("-----BEGIN PGP SIGNATURE-----");
  }

  /** Checks an armored signature over a payload. */
  @Override
  public Result verify(byte[] payload, byte[] armoredSignature) {
    PGPSignature signature;
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
      Object o = new PGPObjectFactory(in, new JcaKeyFingerprintCalculator()).nextObject();
      if (!(o instanceof PGPSignatureList list) || list.isEmpty()) {
        return new Result(Outcome.INVALID, null);
      }
      signature = list.get(0);
    } catch (IOException | RuntimeException e) {
      return new Result(Outcome.INVALID, null);
    }
    String keyId = HexFormat.of().withUpperCase().toHexDigits(signature.getKeyID());
    try {
      PGPPublicKey key = trusted.getPublicKey(signature.getKeyID());
      if (key == null) {
        return new Result(Outcome.UNKNOWN_KEY, keyId);
      }
      signature.init(new JcaPGPContentVerifierBuilderProvider().setProvider(PROVIDER), key);
      signature.update(payload);
      if (!signature.verify()) {
        return new Result(Outcome.INVALID, keyId);
      }
      PGPPublicKey primary = trusted.getPublicKeyRing(signature.getKeyID()).getPublicKey();
      Optional<String> refusal =
          OpenPgpKeyUse.refusal(primary, key, signature.getCreationTime().toInstant());
      return refusal
          .map(reason -> new Result(Outcome.UNUSABLE_KEY, keyId, reason))
          .orElseGet(() -> new Result(Outcome.VALID, keyId));
    } catch (PGPException | RuntimeException e) {
      return new Result(Outcome.INVALID, keyId);
    }
  }
}
