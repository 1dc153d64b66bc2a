/**
 * The artifact archive format every artifact store shares (the local store of {@code cairn-local}
 * and the S3 store of {@code cairn-aws}), so one build output has one digest everywhere.
 */
package dev.cairn.pipeline.artifact;
