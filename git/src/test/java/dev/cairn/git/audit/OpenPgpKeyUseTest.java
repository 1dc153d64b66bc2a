package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trusted OpenPGP key counts only while it may sign: revoked keys, signatures made after the key
 * expired and keys flagged for certification only are refused by the verifier, and the signer
 * refuses to sign with them.
 */
class OpenPgpKeyUseTest {
  private static final byte[] PAYLOAD = "tree 0000\n\nrecord\n".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.now();

  private static java.security.KeyPair rsa;

  @BeforeAll
  static void generateKeyMaterial() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    rsa = generator.generateKeyPair();
  }

  @Test
  void aSigningKeyInItsValidityCounts() throws Exception {
    Key key = Key.make(KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER, NOW.minus(days(10)), 0);

    assertThat(key.verifier().verify(PAYLOAD, key.sign(NOW)).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.VALID);
    assertThat(OpenPgpAuditSigner.of(key.armoredSecret(), new char[0]).sign(PAYLOAD)).isNotEmpty();
  }

  @Test
  void aSignatureMadeAfterTheKeyExpiredDoesNotCountButOneMadeBeforeDoes() throws Exception {
    Key key = Key.make(KeyFlags.SIGN_DATA, NOW.minus(days(10)), days(1).toSeconds());

    AuditSignatureVerifier.Result late = key.verifier().verify(PAYLOAD, key.sign(NOW));
    AuditSignatureVerifier.Result early =
        key.verifier().verify(PAYLOAD, key.sign(NOW.minus(days(10)).plusSeconds(3600)));

    assertThat(late.outcome()).isEqualTo(AuditSignatureVerifier.Outcome.UNUSABLE_KEY);
    assertThat(late.reason()).isEqualTo("the key had expired when it signed");
    assertThat(early.outcome()).isEqualTo(AuditSignatureVerifier.Outcome.VALID);
    assertThatThrownBy(() -> OpenPgpAuditSigner.of(key.armoredSecret(), new char[0]))
        .hasMessage(
            "The OpenPGP key file's signing key cannot be used: the key had expired when it signed");
  }

  @Test
  void aRevokedKeysSignaturesStopCounting() throws Exception {
    Key key = Key.make(KeyFlags.SIGN_DATA, NOW.minus(days(10)), 0);
    byte[] signedBeforeRevocation = key.sign(NOW.minus(days(5)));

    Key revoked = key.revoked();

    assertThat(key.verifier().verify(PAYLOAD, signedBeforeRevocation).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.VALID);
    AuditSignatureVerifier.Result result =
        revoked.verifier().verify(PAYLOAD, signedBeforeRevocation);
    assertThat(result.outcome()).isEqualTo(AuditSignatureVerifier.Outcome.UNUSABLE_KEY);
    assertThat(result.reason()).isEqualTo("the key is revoked");
    assertThatThrownBy(() -> OpenPgpAuditSigner.of(revoked.armoredSecret(), new char[0]))
        .hasMessageContaining("the key is revoked");
  }

  @Test
  void aKeyFlaggedOnlyForCertifyingMayNotSignAuditCommits() throws Exception {
    Key key = Key.make(KeyFlags.CERTIFY_OTHER, NOW.minus(days(10)), 0);

    AuditSignatureVerifier.Result result = key.verifier().verify(PAYLOAD, key.sign(NOW));

    assertThat(result.outcome()).isEqualTo(AuditSignatureVerifier.Outcome.UNUSABLE_KEY);
    assertThat(result.reason()).isEqualTo("the key's flags do not allow signing");
  }

  @Test
  void aTamperedPayloadIsStillInvalidRatherThanUnusable() throws Exception {
    Key key = Key.make(KeyFlags.CERTIFY_OTHER, NOW.minus(days(10)), 0);

    byte[] signature = key.sign(NOW);
    byte[] tampered = "tree 0000\n\nforged\n".getBytes(StandardCharsets.UTF_8);

    assertThat(key.verifier().verify(tampered, signature).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.INVALID);
  }

  private static Duration days(int n) {
    return Duration.ofDays(n);
  }

  /** A key ring made in the test with chosen flags, creation time and validity. */
  private record Key(PGPSecretKeyRing secret, PGPPublicKeyRing publicRing) {

    static Key make(int flags, Instant created, long validSeconds) throws Exception {
      PGPKeyPair pair =
          new JcaPGPKeyPair(
              PublicKeyPacket.VERSION_4,
              PublicKeyAlgorithmTags.RSA_GENERAL,
              rsa,
              Date.from(created));
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setKeyFlags(false, flags);
      hashed.setSignatureCreationTime(false, Date.from(created));
      if (validSeconds > 0) {
        hashed.setKeyExpirationTime(false, validSeconds);
      }
      PGPKeyRingGenerator generator =
          new PGPKeyRingGenerator(
              PGPSignature.POSITIVE_CERTIFICATION,
              pair,
              "cairn <cairn@example.invalid>",
              new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1),
              hashed.generate(),
              null,
              new JcaPGPContentSignerBuilder(
                  PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
              null);
      return new Key(generator.generateSecretKeyRing(), generator.generatePublicKeyRing());
    }

    AuditSignatureVerifier verifier() {
      return OpenPgpAuditVerifier.trusting(publicRing);
    }

    /** A detached signature over the payload, made at {@code at}. */
    byte[] sign(Instant at) throws Exception {
      PGPSecretKey key = secret.getSecretKey();
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(
              new JcaPGPContentSignerBuilder(
                  key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
              key.getPublicKey());
      generator.init(PGPSignature.BINARY_DOCUMENT, key.extractPrivateKey(null));
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, Date.from(at));
      generator.setHashedSubpackets(hashed.generate());
      generator.update(PAYLOAD);
      return armor(generator.generate()::encode);
    }

    /** The same key with a key revocation signature added. */
    Key revoked() throws Exception {
      PGPSecretKey key = secret.getSecretKey();
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(
              new JcaPGPContentSignerBuilder(
                  key.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
              key.getPublicKey());
      generator.init(PGPSignature.KEY_REVOCATION, key.extractPrivateKey(null));
      PGPSignature revocation = generator.generateCertification(key.getPublicKey());
      PGPPublicKey revokedKey = PGPPublicKey.addCertification(key.getPublicKey(), revocation);
      PGPPublicKeyRing ring = PGPPublicKeyRing.insertPublicKey(publicRing, revokedKey);
      PGPSecretKeyRing secretRing =
          PGPSecretKeyRing.insertSecretKey(secret, PGPSecretKey.replacePublicKey(key, revokedKey));
      return new Key(secretRing, ring);
    }

    byte[] armoredSecret() throws Exception {
      return armor(secret::encode);
    }
  }

  private interface Encoder {
    void encode(java.io.OutputStream out) throws java.io.IOException;
  }

  private static byte[] armor(Encoder encoder) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = ArmoredOutputStream.builder().build(out)) {
      encoder.encode(armored);
    }
    return out.toByteArray();
  }
}
