package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn demo --exit} as a user runs it: the sample application with its PostgreSQL through
 * all five steps, every check passing. It builds the notes app with Maven, so it takes a while.
 */
class DemoCommandTest {
  // Under /tmp (JUnit's default), not /root: PostgreSQL runs as its own user.
  @TempDir Path dir;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream originalOut;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    // Also echoed, so that a failure's report shows the narration.
    PrintStream echo = originalOut;
    System.setOut(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                captured.write(b);
                echo.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                echo.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
  }

  @Test
  void theWholeLoopBehavesAsNarrated() throws Exception {
    // @TempDir is private to its owner; PostgreSQL's user must be able to traverse it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    int code = CairnCommand.run("demo", "--exit", "--workspace", dir.resolve("demo").toString());

    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().map(String::strip))
        .as("no check failed")
        .noneMatch(l -> l.startsWith("FAIL "));
    assertThat(out).doesNotContain("the demo stopped");
    assertThat(code).isZero();
    List<String> checks =
        List.of(
            "ok   the first commit deploys",
            "ok   production serves the first commit",
            "ok   a note can be written",
            "ok   the change deploys",
            "ok   no request fails during the switch",
            "ok   production serves the change",
            "ok   the note written before the change is still there",
            "ok   the build fails",
            "ok   production still serves the previous commit",
            "ok   the release is rolled back",
            "ok   production serves the last good commit again",
            "ok   the bad commit is marked bad",
            "ok   the fix deploys",
            "ok   production serves the fix",
            "ok   the dashboard lists every run",
            "ok   every build, deployment and rollback is on the cairn/audit branch");
    assertThat(out).contains(checks);
    assertThat(out.lines().filter(l -> l.strip().startsWith("ok ")))
        .as("no other checks than these")
        .hasSize(checks.size());
    assertThat(out).contains("== Every step behaved as expected");
    assertThat(out).containsPattern("dashboard  http://127\\.0\\.0\\.1:\\d+/ \\(log in with");
    assertThat(out)
        .contains("$ git log --format='%h %s' cairn/audit")
        .contains("$ git log --notes=cairn --format='%h %s%n%N' main")
        .containsPattern("production: deployed [0-9a-f]{7} \\(notes: revert the response cache\\)")
        .containsPattern("production: rolled back [0-9a-f]{7} \\(notes: cache responses\\) to ");
  }
}
