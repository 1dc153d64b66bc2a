/** Artifacts and job logs on Amazon S3: {@link dev.cairn.aws.s3.S3ArtifactStore}. */
package dev.cairn.aws.s3;
