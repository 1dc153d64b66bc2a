package dev.cairn.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.git.RemoteCredentials;
import org.junit.jupiter.api.Test;

/** Passwords in remotes and messages that a plain replacement of the decoded value misses. */
class HostileRemoteTextTest {
  @Test
  void aPercentEncodedPasswordIsRedactedAsWrittenAndDecoded() {
    String remote = "https://deploy:p%40ss%2Fw0rd@git.example/org/app.git";
    String message =
        "fetch from https://deploy:p%40ss%2Fw0rd@git.example/org/app.git failed; auth p%40ss%2Fw0rd"
            + " (p@ss/w0rd)";
    String redacted = RemoteText.redact(remote, message, null);
    assertThat(redacted).doesNotContain("p%40ss").doesNotContain("p@ss/w0rd");
  }

  @Test
  void aTokenEchoedPercentEncodedIsRedacted() {
    String token = "ghp_a+b/c=d";
    String redacted =
        RemoteText.redact(
            "https://git.example/org/app.git",
            "denied for ghp_a%2Bb%2Fc%3Dd and ghp_a+b/c=d",
            () -> new RemoteCredentials("git", token));
    assertThat(redacted).doesNotContain("ghp_a");
  }
}
