package dev.cairn.pipeline.port;

import java.io.IOException;
import java.nio.file.Path;

/** Checks out an application commit into a fresh directory (locally: from the git mirror). */
@FunctionalInterface
public interface SourceCheckout {
  /**
   * Writes the commit's files into {@code target}, which must not exist yet.
   *
   * @throws IOException when the commit is unknown or the files cannot be written
   */
  void checkout(String commitId, Path target) throws IOException;
}
