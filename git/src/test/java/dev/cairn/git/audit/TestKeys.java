package dev.cairn.git.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

/** OpenPGP keys generated in the test, so no gpg binary or keyring is needed. */
record TestKeys(byte[] secret, byte[] publicKey) {

  static TestKeys generate(String userId) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keys = generator.generateKeyPair();
      PGPKeyPair pair =
          new JcaPGPKeyPair(
              PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.RSA_GENERAL, keys, new Date());
      PGPSecretKey secret =
          new PGPSecretKey(
              PGPSignature.DEFAULT_CERTIFICATION,
              pair,
              userId,
              new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1),
              null,
              null,
              new JcaPGPContentSignerBuilder(
                  pair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
              null);
      return new TestKeys(armor(secret::encode), armor(secret.getPublicKey()::encode));
    } catch (PGPException | java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private interface Encoder {
    void encode(java.io.OutputStream out) throws IOException;
  }

  private static byte[] armor(Encoder encoder) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = ArmoredOutputStream.builder().build(out)) {
      encoder.encode(armored);
    }
    return out.toByteArray();
  }
}
