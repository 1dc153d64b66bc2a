/**
 * Keeping secret values out of what Cairn shows: {@link dev.cairn.pipeline.secret.Masker}, the one
 * masking rule of job output, logs and records on every driver.
 */
package dev.cairn.pipeline.secret;
