package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CAIRN_HOME} on a disk that fills up (a small tmpfs, mounted when the tests run as root): a
 * commit pushed meanwhile fails with a clear error, production keeps serving its release, no state
 * file is left half-written, and once space returns the next commit deploys.
 */
class FullDiskTest {
  @TempDir Path dir;
  private LoopHarness loop;
  private boolean mounted;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
    Files.createDirectories(loop.home);
    mounted = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", loop.home.toString());
    Assumptions.assumeTrue(
        mounted, "mounting a tmpfs needs root (or CAP_SYS_ADMIN): the full-disk test is skipped");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      loop.close();
    } finally {
      if (mounted) {
        run("umount", "-l", loop.home.toString());
      }
    }
  }

  @Test
  void aFullDiskFailsClearlyKeepsServingAndRecoversWhenSpaceReturns() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");

    Path filler = loop.home.resolve("filler");
    fill(filler);
    loop.write("app.py", LoopHarness.app() + "# second\n");
    RevCommit second = loop.commit("tiny: second version");
    loop.push(second);
    await("the full disk is reported in the log")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                loop.events.stream()
                    .anyMatch(
                        e ->
                            e.kind().equals("error")
                                && e.message().contains("CAIRN_HOME")
                                && e.message().contains("is full")));
    await("and as the reason new commits are not picked up")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> loop.cairn().status().path("watcher").path("lastError").asText(),
            e -> e.contains("No space left on device"));
    assertThat(loop.version()).as("production keeps serving").contains(first.getName());
    assertThat(loop.home.resolve("watcher.json")).content().matches("[0-9a-f]{40}\\n");
    assertThat(stateFiles()).isNotEmpty().allSatisfy(f -> Json.parse(Files.readString(f)));
    assertThat(loop.cairn().pipelines().ledger("production").lastGood())
        .get()
        .satisfies(g -> assertThat(g.commit()).isEqualTo(first.getName()));

    Files.delete(filler);
    loop.write("app.py", LoopHarness.app() + "# third\n");
    RevCommit third = loop.commit("tiny: third version");
    loop.push(third);
    await("the next commit deploys once space returns")
        .atMost(Duration.ofSeconds(120))
        .until(loop::version, v -> v.equals(Optional.of(third.getName())));
    assertThat(loop.cairn().status().path("watcher").isMissingNode()).isTrue();
    assertThat(stateFiles()).allSatisfy(f -> Json.parse(Files.readString(f)));
  }

  private List<Path> stateFiles() throws IOException {
    try (Stream<Path> files = Files.walk(loop.home)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".json"))
          // The watcher's memory is one commit id, despite its name.
          .filter(f -> !f.getFileName().toString().equals("watcher.json"))
          .filter(f -> !f.toString().contains("/workspace/"))
          .toList();
    }
  }

  /** Writes zeros into {@code file} until the disk is full. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
  }

  private static boolean run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().transferTo(OutputStream.nullOutputStream());
    return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
  }
}
