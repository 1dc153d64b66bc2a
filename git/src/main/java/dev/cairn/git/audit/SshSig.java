package dev.cairn.git.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/** OpenSSH's {@code SSHSIG} signature format (PROTOCOL.sshsig) for git's namespace. */
final class SshSig {
  static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  static final String END = "-----END SSH SIGNATURE-----";
  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final String NAMESPACE = "git";
  private static final String HASH = "sha512";

  private SshSig() {}

  /** A parsed signature blob. */
  record Parsed(byte[] publicBlob, String namespace, String hash, byte[] rawSignature) {}

  static byte[] hash(byte[] message) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-512").digest(message);
  }

  /** The bytes the key signs. */
  static byte[] signedData(byte[] messageHash) {
    return new SshKeys.Writer()
        .raw(MAGIC)
        .string(NAMESPACE)
        .string(new byte[0])
        .string(HASH)
        .string(messageHash)
        .bytes();
  }

  static byte[] blob(byte[] publicBlob, byte[] signature) {
    return new SshKeys.Writer()
        .raw(MAGIC)
        .uint32(1)
        .string(publicBlob)
        .string(NAMESPACE)
        .string(new byte[0])
        .string(HASH)
        .string(signature)
        .bytes();
  }

  /** The armored form, base64 in lines of 70 characters as ssh-keygen writes it. */
  static byte[] armor(byte[] blob) {
    String b64 = Base64.getEncoder().encodeToString(blob);
    StringBuilder out = new StringBuilder(BEGIN).append('\n');
    for (int i = 0; i < b64.length(); i += 70) {
      out.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
    }
    return out.append(END).append('\n').toString().getBytes(StandardCharsets.US_ASCII);
  }

  static Parsed parse(byte[] armored) throws IOException {
    String text = new String(armored, StandardCharsets.US_ASCII);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    if (b < 0 || e < b) {
      throw new IOException("not an SSH signature");
    }
    try {
      SshKeys.Reader r =
          new SshKeys.Reader(
              Base64.getMimeDecoder().decode(text.substring(b + BEGIN.length(), e).strip()));
      if (!Arrays.equals(r.raw(6), MAGIC) || r.uint32() != 1) {
        throw new IOException("not an SSHSIG version 1 signature");
      }
      byte[] publicBlob = r.string();
      String namespace = r.text();
      r.string(); // reserved
      String hash = r.text();
      SshKeys.Reader sig = new SshKeys.Reader(r.string());
      if (!SshKeys.ED25519.equals(sig.text())) {
        throw new IOException("not an Ed25519 signature");
      }
      return new Parsed(publicBlob, namespace, hash, sig.string());
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException x) {
      throw new IOException("unreadable SSH signature");
    }
  }
}
