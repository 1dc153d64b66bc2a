package dev.cairn.pipeline.file;

/**
 * What happens when a release fails to deploy or to bake.
 *
 * @param automatic roll back to the last good release automatically (default true)
 */
public record RollbackSpec(boolean automatic) {}
