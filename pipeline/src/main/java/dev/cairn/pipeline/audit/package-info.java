/**
 * The audit trail's record model: one {@link dev.cairn.pipeline.audit.AuditRecord} per build,
 * deployment, rollback, skipped commit or manual action, with its versioned JSON form ({@code
 * cairn.audit/v1}, documented in {@code docs/audit-trail.md}).
 *
 * <p>Records carry no secrets: the code that builds a record must not put one into any field; the
 * model cannot tell a secret from any other text, so it does not try.
 */
package dev.cairn.pipeline.audit;
