package dev.cairn.git.hook;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bare repository's {@code post-receive} hook the way git runs it after a push: in the
 * repository, with one {@code <old> <new> <ref>} line on standard input. JGit's own push does not
 * run hooks, so the demo, the tests and the benchmarks call this after pushing with JGit.
 */
public final class PostReceive {
  /** The all-zero id git passes as the old value of a new ref. */
  public static final String NO_COMMIT = "0".repeat(40);

  private PostReceive() {}

  /**
   * Runs the hook if the repository has one.
   *
   * @return false when there is no hook
   * @throws IOException when the hook cannot be started or does not end within 30 seconds
   */
  public static boolean run(Path bareRepository, String oldId, String newId, String ref)
      throws IOException, InterruptedException {
    Path hook = bareRepository.resolve("hooks").resolve("post-receive");
    if (!Files.isRegularFile(hook)) {
      return false;
    }
    Process process =
        new ProcessBuilder("/bin/sh", hook.toString())
            .directory(bareRepository.toFile())
            .redirectErrorStream(true)
            .start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write((oldId + " " + newId + " " + ref + "\n").getBytes(StandardCharsets.UTF_8));
    }
    process.getInputStream().transferTo(OutputStream.nullOutputStream());
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("the post-receive hook of " + bareRepository + " did not end in 30 s");
    }
    return true;
  }
}
