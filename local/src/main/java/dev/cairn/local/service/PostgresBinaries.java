package dev.cairn.local.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The PostgreSQL server binaries Cairn uses: a {@code bin} directory with initdb, pg_ctl,
 * pg_isready and psql.
 *
 * @param bin the directory
 */
public record PostgresBinaries(Path bin) {
  /** Where Debian-style installations put one directory per major version. */
  public static final Path DEFAULT_BASE = Path.of("/usr/lib/postgresql");

  private static final List<String> TOOLS = List.of("initdb", "pg_ctl", "pg_isready", "psql");

  /**
   * The newest version under {@code base} ({@code base/VERSION/bin}) that has every tool.
   *
   * @param base e.g. {@link #DEFAULT_BASE}
   */
  public static Optional<PostgresBinaries> newestUnder(Path base) {
    if (!Files.isDirectory(base)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .filter(v -> complete(v.resolve("bin")))
          .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
          .map(v -> new PostgresBinaries(v.resolve("bin")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** True when the directory has every tool Cairn needs. */
  public static boolean complete(Path bin) {
    return TOOLS.stream().allMatch(t -> Files.isExecutable(bin.resolve(t)));
  }

  /** A tool's path. */
  String tool(String name) {
    return bin.resolve(name).toString();
  }
}
