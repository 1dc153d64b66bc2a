package dev.cairn.pipeline.file;

/**
 * What the audit trail does beyond its records (the {@code audit} section of the pipeline file).
 *
 * @param tags also create a tag {@code cairn/<environment>/<yyyymmdd-hhmmss>} on the application
 *     commit of every deployment (default false)
 */
public record AuditSpec(boolean tags) {
  /** The defaults: records only. */
  public static final AuditSpec DEFAULT = new AuditSpec(false);
}
