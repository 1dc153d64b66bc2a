package dev.cairn.pipeline.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ways a step prints a secret so that a plain replacement misses it. */
class HostileMaskerTest {
  private static final String SECRET = "hunter2-s3cret+/value";
  private final Masker masker = new Masker(Set.of(SECRET));

  @Test
  void base64InEveryAlignmentIsMasked() {
    byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);
    for (String prefix : new String[] {"", "x", "xy", "xyz", "user:"}) {
      byte[] whole = (prefix + SECRET + "!").getBytes(StandardCharsets.UTF_8);
      String encoded = Base64.getEncoder().encodeToString(whole);
      String masked = masker.mask("echo " + encoded);
      assertThat(masked).as(prefix).contains(Masker.MASK);
      // No run of the secret's own encoding survives.
      assertThat(masked).doesNotContain(Base64.getEncoder().encodeToString(bytes).substring(4, 16));
    }
    String urlSafe = Base64.getUrlEncoder().encodeToString(bytes);
    assertThat(masker.mask(urlSafe)).doesNotContain(urlSafe.substring(0, 12));
  }

  @Test
  void hexReversedAndPercentEncodedFormsAreMasked() {
    String hex = HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(masker.mask("x=" + hex)).isEqualTo("x=" + Masker.MASK);
    assertThat(masker.mask(hex.toUpperCase())).isEqualTo(Masker.MASK);
    assertThat(masker.mask(new StringBuilder(SECRET).reverse().toString())).isEqualTo(Masker.MASK);
    assertThat(masker.mask("https://u:" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) + "@h"))
        .isEqualTo("https://u:" + Masker.MASK + "@h");
  }

  @Test
  void eachLineOfAMultiLineKeyIsMasked() {
    String pem =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
            + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
            + "QyNTUxOQAAACBx3fYlq5V4vUd2xg0Jx8m3lbGtFwrq8Rk4bXp8bHq6OQAAAJgXQ1a3F0NW\n"
            + "-----END OPENSSH PRIVATE KEY-----";
    Masker keys = new Masker(Set.of(pem));
    for (String line : pem.split("\n")) {
      assertThat(keys.mask(line)).isEqualTo(Masker.MASK);
    }
    assertThat(keys.maskText(pem)).doesNotContain("b3BlbnNzaC1rZXkt");
  }

  @Test
  void shortValuesAreMaskedVerbatimOnly() {
    Masker short_ = new Masker(Set.of("ab"));
    assertThat(short_.mask("abc ba 6162")).isEqualTo("***c ba 6162");
  }
}
