/**
 * The audit trail in git: {@link dev.cairn.git.audit.GitAuditLog} stores records in a durable
 * outbox, turns them into commits on the orphan branch {@code cairn/audit} and notes under {@code
 * refs/notes/cairn}, and pushes both to the application's remote without ever forcing. The layout
 * and guarantees are described in {@code docs/audit-trail.md}.
 */
package dev.cairn.git.audit;
