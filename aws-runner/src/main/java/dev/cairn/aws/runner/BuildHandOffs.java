package dev.cairn.aws.runner;

import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.pipeline.artifact.Archive;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The build job's side of a hand-off ({@link BuildHandOff}), in the unprivileged container: receive
 * the source, send the output and the result. Its S3 access is the build role's: read the source,
 * write the upload and the result, nothing else.
 */
final class BuildHandOffs {
  private final S3HandOff store;
  private final PrintStream out;

  BuildHandOffs(S3HandOff store, PrintStream out) {
    this.store = store;
    this.out = out;
  }

  /**
   * Unpacks the source into {@code workspace} (a fresh directory).
   *
   * @return the secret variables the privileged runner resolved for this build
   */
  Map<String, String> receive(StepsJob.HandOff handOff, Path jobDirectory, Path workspace)
      throws IOException {
    Archive.deleteTreeQuietly(workspace);
    Files.createDirectories(workspace);
    Path file = jobDirectory.resolve("source.car");
    Files.deleteIfExists(file);
    store.get(handOff.sourceKey(), file);
    try (InputStream in = Files.newInputStream(file)) {
      return SourceArchive.read(in, workspace);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Uploads the output: the path must exist and stay inside the workspace once links are resolved
   * (as the runtime checks locally); it is stored in the artifact archive format, which holds no
   * links.
   *
   * @return why the output was refused, or null once it is uploaded
   */
  String send(StepsJob.HandOff handOff, Path jobDirectory, Path workspace) throws IOException {
    Path real;
    try {
      real = workspace.resolve(handOff.outputPath()).normalize().toRealPath();
    } catch (NoSuchFileException e) {
      return "the build did not produce its artifact " + handOff.outputPath();
    }
    if (!real.startsWith(workspace.toRealPath())) {
      return "the artifact "
          + handOff.outputPath()
          + " leads outside the workspace (through a symbolic link)";
    }
    Path file = jobDirectory.resolve("output.car");
    try (OutputStream stream = Files.newOutputStream(file)) {
      Archive.write(real, stream);
    } catch (IOException e) {
      return "the artifact " + handOff.outputPath() + " cannot be stored: " + e.getMessage();
    }
    String kind = Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? "file" : "directory";
    store.put(handOff.uploadKey(), file, Map.of(BuildHandOff.KIND_METADATA, kind));
    Files.deleteIfExists(file);
    return null;
  }

  /** Keeps the job's result where the privileged runner reads why it failed. */
  void report(String resultKey, RunnerResult result, Path work) {
    try {
      Path file = Files.createTempFile(work, "result", ".json");
      Files.writeString(file, Json.write(result.toJsonNode()));
      store.put(resultKey, file, Map.of());
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException e) {
      // The job's exit code still tells the privileged runner how it ended.
      out.println("the build's result could not be handed back: " + e.getMessage());
    }
  }
}
