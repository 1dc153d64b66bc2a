package dev.cairn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The sample application (examples/notes) as the demo and the loop benchmark commit it. */
public final class SampleApp {
  /** What a fresh clone gets: the sources and the pipeline file, not build output. */
  private static final List<String> ENTRIES =
      List.of("pom.xml", "cairn.yml", ".gitignore", "README.md", "src/main");

  private SampleApp() {}

  /**
   * Copies the sample's sources from {@code sample} into the working tree {@code clone}.
   *
   * @param sample the examples/notes directory
   * @param clone the working tree to copy into
   * @throws IOException if a file cannot be copied (an existing file is not overwritten)
   */
  public static void copyInto(Path sample, Path clone) throws IOException {
    for (String entry : ENTRIES) {
      copy(sample.resolve(entry), clone.resolve(entry));
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (Files.isDirectory(from)) {
      try (Stream<Path> files = Files.walk(from)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path target = to.resolve(from.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
          }
        }
      }
    } else {
      Files.createDirectories(to.getParent());
      Files.copy(from, to);
    }
  }
}
