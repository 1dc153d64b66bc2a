package dev.cairn.git.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSH (SSHSIG) signatures of audit commits, with keys generated in the test. */
class SshSigningTest {
  private static final byte[] PAYLOAD =
      "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Cairn <cairn@localhost> 0 +0000\n"
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void aSignatureVerifiesWithItsKeyAndFailsWithAnotherKeyOrOtherBytes() throws Exception {
    KeyPair pair = ed25519();
    SshAuditSigner signer = SshAuditSigner.of(openSshPrivateKey(pair));
    byte[] signature = signer.sign(PAYLOAD);

    assertThat(new String(signature, StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN SSH SIGNATURE-----\n")
        .endsWith("-----END SSH SIGNATURE-----\n");
    SshAuditVerifier trusting = SshAuditVerifier.of("ada@example.org " + signer.publicKey());
    assertThat(trusting.handles(signature)).isTrue();
    assertThat(trusting.verify(PAYLOAD, signature).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.VALID);
    assertThat(trusting.verify(PAYLOAD, signature).keyId()).isEqualTo(signer.keyId());
    byte[] altered = Arrays.copyOf(PAYLOAD, PAYLOAD.length);
    altered[5] ^= 1;
    assertThat(trusting.verify(altered, signature).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.INVALID);
    SshAuditVerifier other = SshAuditVerifier.of(SshAuditSigner.of(ed25519()).publicKey());
    assertThat(other.verify(PAYLOAD, signature).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.UNKNOWN_KEY);
    assertThatThrownBy(
            () ->
                SshAuditSigner.of(
                    "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
                        .getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> SshAuditVerifier.of("no key here"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no ssh-ed25519 public key");
  }

  @Test
  void sshKeygenAcceptsTheSignatureForGitsNamespace() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
        "ssh-keygen is not installed: the cross-check with OpenSSH is skipped");
    SshAuditSigner signer = SshAuditSigner.of(openSshPrivateKey(ed25519()));
    Path signers = Files.writeString(dir.resolve("allowed"), "cairn " + signer.publicKey() + "\n");
    Path signature = Files.write(dir.resolve("commit.sig"), signer.sign(PAYLOAD));
    Path payload = Files.write(dir.resolve("commit"), PAYLOAD);

    Process p =
        new ProcessBuilder(
                "/usr/bin/ssh-keygen",
                "-Y",
                "verify",
                "-f",
                signers.toString(),
                "-I",
                "cairn",
                "-n",
                "git",
                "-s",
                signature.toString())
            .redirectInput(payload.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("Good \"git\" signature for cairn");
  }

  @Test
  void aKeyMadeBySshKeygenSignsAsCairn() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
        "ssh-keygen is not installed: reading its key file is not checked");
    Path key = dir.resolve("id_ed25519");
    Process p =
        new ProcessBuilder(
                "/usr/bin/ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "cairn",
                "-f",
                key.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    SshAuditSigner signer = SshAuditSigner.of(Files.readAllBytes(key));
    String publicKey = Files.readString(dir.resolve("id_ed25519.pub"));

    assertThat(publicKey).startsWith(signer.publicKey());
    assertThat(SshAuditVerifier.of(publicKey).verify(PAYLOAD, signer.sign(PAYLOAD)).outcome())
        .isEqualTo(AuditSignatureVerifier.Outcome.VALID);
  }

  static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  /** Writes a key pair as an unencrypted OpenSSH private key file (openssh-key-v1). */
  static byte[] openSshPrivateKey(KeyPair pair) {
    byte[] publicBlob = SshKeys.publicBlob(pair.getPublic());
    byte[] encoded = pair.getPublic().getEncoded();
    byte[] pub = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
    byte[] secret = new byte[64];
    System.arraycopy(seed, 0, secret, 0, 32);
    System.arraycopy(pub, 0, secret, 32, 32);
    SshKeys.Writer section =
        new SshKeys.Writer()
            .uint32(0x5ca1ab1e)
            .uint32(0x5ca1ab1e)
            .string(SshKeys.ED25519)
            .string(pub)
            .string(secret)
            .string("test key");
    byte[] body = section.bytes();
    int pad = (8 - body.length % 8) % 8;
    for (int i = 1; i <= pad; i++) {
      section.raw(new byte[] {(byte) i});
    }
    byte[] data =
        new SshKeys.Writer()
            .raw("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII))
            .string("none")
            .string("none")
            .string(new byte[0])
            .uint32(1)
            .string(publicBlob)
            .string(section.bytes())
            .bytes();
    String b64 =
        Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data);
    return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + b64 + "\n-----END OPENSSH PRIVATE KEY-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
