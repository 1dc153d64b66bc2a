package dev.cairn.cli;

import dev.cairn.local.container.Podman;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn demo --containers}: the same story with the notes service released as a container
 * image. The sample's code is examples/notes; examples/notes-container holds its {@code cairn.yml}
 * ({@code build.image}, no {@code app.start}) and its Containerfile, which starts FROM a base image
 * made on this machine by {@code scripts/container-base.sh} (no registry needed).
 */
final class DemoContainers {
  private DemoContainers() {}

  /**
   * Checks that Podman runs here, makes the base image if it is missing, and puts the container
   * variant's files over the sample's in the clone.
   *
   * @param sample examples/notes
   * @param clone the developer's clone holding a copy of it
   * @return the base image's tag, for the narration
   */
  static String prepare(Path sample, Path clone) throws IOException, InterruptedException {
    Podman.fromPath()
        .unavailable()
        .ifPresent(
            reason -> {
              throw new UserInputException(
                  "cairn demo --containers needs Podman: "
                      + reason
                      + " (./scripts/ensure-packages.sh --containers installs it)");
            });
    Path examples = sample.getParent();
    Path variant = examples.resolve("notes-container");
    Path script = examples.getParent().resolve("scripts").resolve("container-base.sh");
    if (!Files.isRegularFile(variant.resolve("Containerfile")) || !Files.isRegularFile(script)) {
      throw new UserInputException(
          "the containerised sample was not found at "
              + variant
              + " (run the demo through ./cairn)");
    }
    for (String file : new String[] {"cairn.yml", "Containerfile"}) {
      Files.copy(variant.resolve(file), clone.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Process base =
        new ProcessBuilder(script.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String tag = new String(base.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!base.waitFor(10, TimeUnit.MINUTES) || base.exitValue() != 0) {
      base.destroyForcibly();
      throw new IllegalStateException(
          "the base image could not be made: run " + script + " to see why");
    }
    return tag;
  }
}
