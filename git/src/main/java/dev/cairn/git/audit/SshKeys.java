package dev.cairn.git.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys in OpenSSH's formats: public keys as in {@code authorized_keys} ({@code ssh-ed25519
 * AAAA…}) and unencrypted private keys ({@code -----BEGIN OPENSSH PRIVATE KEY-----}), with the SSH
 * wire encoding both use.
 */
final class SshKeys {
  static final String ED25519 = "ssh-ed25519";

  /** The X.509 prefix of an Ed25519 public key; the raw 32 bytes follow it. */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private SshKeys() {}

  /** A key pair read from an OpenSSH private key file. */
  record Pair(PrivateKey privateKey, byte[] publicBlob) {}

  /** The SSH wire encoding of a public key: {@code string "ssh-ed25519", string key}. */
  static byte[] publicBlob(PublicKey key) {
    byte[] encoded = key.getEncoded();
    byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    return blob(raw);
  }

  static byte[] blob(byte[] raw32) {
    Writer w = new Writer();
    w.string(ED25519.getBytes(StandardCharsets.US_ASCII));
    w.string(raw32);
    return w.bytes();
  }

  /** The public key of a wire blob. */
  static PublicKey publicKey(byte[] blob) throws IOException {
    Reader r = new Reader(blob);
    String type = r.text();
    if (!ED25519.equals(type)) {
      throw new IOException("only ssh-ed25519 keys are supported, not " + type);
    }
    byte[] raw = r.string();
    byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, x509, X509_PREFIX.length, raw.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
    } catch (GeneralSecurityException e) {
      throw new IOException("not an Ed25519 public key: " + e.getMessage());
    }
  }

  /** The {@code SHA256:…} fingerprint ssh-keygen prints. */
  static String fingerprint(byte[] blob) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads an unencrypted OpenSSH Ed25519 private key file. */
  static Pair readPrivate(String text) throws IOException {
    String begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    String end = "-----END OPENSSH PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException("not an OpenSSH private key");
    }
    try {
      byte[] data = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).strip());
      Reader r = new Reader(data);
      byte[] magic = r.raw(15);
      if (!"openssh-key-v1\0".equals(new String(magic, StandardCharsets.US_ASCII))) {
        throw new IOException("not an openssh-key-v1 key");
      }
      String cipher = r.text();
      r.text(); // kdf name
      r.string(); // kdf options
      if (!"none".equals(cipher)) {
        throw new IOException(
            "the SSH key is protected by a passphrase; give an unprotected copy to Cairn");
      }
      if (r.uint32() != 1) {
        throw new IOException("the key file must hold exactly one key");
      }
      byte[] publicBlob = r.string();
      Reader p = new Reader(r.string());
      if (p.uint32() != p.uint32()) {
        throw new IOException("the SSH key file is damaged");
      }
      String type = p.text();
      if (!ED25519.equals(type)) {
        throw new IOException("only ssh-ed25519 keys are supported, not " + type);
      }
      p.string(); // public key
      byte[] secret = p.string(); // seed (32) then public key (32)
      PrivateKey key =
          KeyFactory.getInstance("Ed25519")
              .generatePrivate(
                  new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Arrays.copyOf(secret, 32)));
      return new Pair(key, publicBlob);
    } catch (IllegalArgumentException | BufferUnderflowException | GeneralSecurityException x) {
      throw new IOException("the SSH key file cannot be read: " + x.getClass().getSimpleName());
    }
  }

  /** Reads SSH wire data: big-endian uint32 and length-prefixed strings. */
  static final class Reader {
    private final ByteBuffer buffer;

    Reader(byte[] data) {
      this.buffer = ByteBuffer.wrap(data);
    }

    int uint32() {
      return buffer.getInt();
    }

    byte[] raw(int n) {
      byte[] out = new byte[n];
      buffer.get(out);
      return out;
    }

    byte[] string() {
      int n = buffer.getInt();
      if (n < 0 || n > buffer.remaining()) {
        throw new BufferUnderflowException();
      }
      return raw(n);
    }

    String text() {
      return new String(string(), StandardCharsets.UTF_8);
    }

    boolean done() {
      return !buffer.hasRemaining();
    }
  }

  /** Writes SSH wire data. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Writer uint32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    Writer string(byte[] b) {
      return uint32(b.length).raw(b);
    }

    Writer string(String s) {
      return string(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
