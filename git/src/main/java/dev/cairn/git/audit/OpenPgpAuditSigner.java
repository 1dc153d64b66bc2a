package dev.cairn.git.audit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * Signs audit commits with an OpenPGP key (BouncyCastle), the signature {@code git verify-commit}
 * checks against the key in the verifier's keyring. The key is given as an ASCII-armored secret key
 * ({@code gpg --export-secret-keys --armor KEYID}); no gpg agent or keyring is needed.
 */
public final class OpenPgpAuditSigner implements AuditSigner {
  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  private final PGPSecretKeyRing ring;
  private final PGPSecretKey secretKey;
  private final PGPPrivateKey privateKey;

  private OpenPgpAuditSigner(
      PGPSecretKeyRing ring, PGPSecretKey secretKey, PGPPrivateKey privateKey) {
    this.ring = ring;
    this.secretKey = secretKey;
    this.privateKey = privateKey;
  }

  /**
   * A signer from an armored (or binary) secret key ring: the first key that can sign now (not
   * revoked, not expired, flagged for signing when it has flags).
   *
   * @param secretKeyRing the key ring's bytes
   * @param passphrase the key's passphrase, or an empty array for an unprotected key
   * @throws IOException when the bytes hold no signing key or the passphrase is wrong (the message
   *     never contains the key or the passphrase)
   */
  public static OpenPgpAuditSigner of(byte[] secretKeyRing, char[] passphrase) throws IOException {
    Objects.requireNonNull(secretKeyRing, "secretKeyRing");
    Objects.requireNonNull(passphrase, "passphrase");
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(secretKeyRing))) {
      String refused = null;
      PGPSecretKeyRingCollection rings =
          new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator());
      for (Iterator<PGPSecretKeyRing> it = rings.getKeyRings(); it.hasNext(); ) {
        PGPSecretKeyRing ring = it.next();
        for (Iterator<PGPSecretKey> keys = ring.getSecretKeys(); keys.hasNext(); ) {
          PGPSecretKey key = keys.next();
          if (key.isSigningKey() && !key.isPrivateKeyEmpty()) {
            Optional<String> refusal =
                OpenPgpKeyUse.refusal(
                    ring.getPublicKey(), key.getPublicKey(), java.time.Instant.now());
            if (refusal.isPresent()) {
              refused = refusal.get();
              continue;
            }
            PGPPrivateKey priv =
                key.extractPrivateKey(
                    new JcePBESecretKeyDecryptorBuilder().setProvider(PROVIDER).build(passphrase));
            return new OpenPgpAuditSigner(ring, key, priv);
          }
        }
      }
      if (refused != null) {
        throw new IOException("The OpenPGP key file's signing key cannot be used: " + refused);
      }
    } catch (PGPException e) {
      throw new IOException(
          "Cannot use the OpenPGP signing key (wrong passphrase or unsupported key): "
              + e.getMessage());
    }
    throw new IOException("The OpenPGP key file holds no secret key that can sign");
  }

  @Override
  public byte[] sign(byte[] payload) throws IOException {
    try {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(
              new JcaPGPContentSignerBuilder(
                      secretKey.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                  .setProvider(PROVIDER),
              secretKey.getPublicKey());
      generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
      generator.update(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
        generator.generate().encode(armored);
      }
      return out.toByteArray();
    } catch (PGPException e) {
      throw new IOException("Cannot sign the audit commit: " + e.getMessage());
    }
  }

  @Override
  public AuditSignatureVerifier verifier() {
    List<PGPPublicKey> keys = new ArrayList<>();
    ring.getPublicKeys().forEachRemaining(keys::add);
    return OpenPgpAuditVerifier.trusting(new PGPPublicKeyRing(keys));
  }

  @Override
  public String keyId() {
    return HexFormat.of().withUpperCase().formatHex(secretKey.getPublicKey().getFingerprint());
  }
}
