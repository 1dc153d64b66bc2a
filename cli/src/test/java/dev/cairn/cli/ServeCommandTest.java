package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn serve}'s refusals at start, before anything runs. */
class ServeCommandTest {
  @TempDir Path temp;

  @Test
  void aTraceEndpointThatIsNotAUrlIsRefusedBeforeAnythingStarts() {
    Path home = temp.resolve("home");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setProperty("cairn.home", home.toString());
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          CairnCommand.run(
              "serve",
              "--repo",
              temp.resolve("app.git").toString(),
              "--otlp-endpoint",
              "https://user:hunter2@/v1");
    } finally {
      System.setErr(originalErr);
      System.clearProperty("cairn.home");
    }

    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(message)
        .contains("--otlp-endpoint: 'https://***@/v1' is not an http(s) URL")
        .doesNotContain("hunter2")
        .doesNotContain("\tat ");
    assertThat(home).as("nothing started").doesNotExist();
  }
}
