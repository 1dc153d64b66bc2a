package dev.cairn.pipeline.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps build artifacts by content digest, so a release can be restarted (a rollback) without a
 * rebuild and a tree that was built once is not built again.
 */
public interface ArtifactStore {
  /**
   * Stores a file or a directory.
   *
   * @return its digest, {@code sha256:<hex>}; the same content always gives the same digest
   */
  String put(Path fileOrDirectory) throws IOException;

  /**
   * Unpacks an artifact into {@code target} (created; must not exist): a stored file becomes {@code
   * target/<its file name>}, a stored directory becomes {@code target}'s content.
   */
  void extract(String digest, Path target) throws IOException;

  /** True when the artifact is stored. */
  boolean contains(String digest);

  /** Remembers that building the git tree {@code treeId} gave {@code digest}. */
  void recordTree(String treeId, String digest) throws IOException;

  /** The artifact an identical git tree built, if any. */
  Optional<String> forTree(String treeId);
}
