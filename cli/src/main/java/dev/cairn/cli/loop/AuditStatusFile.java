package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.git.audit.GitAuditLog;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The audit trail's delivery status as JSON — what {@code GET /api/status} shows — and as the file
 * {@code CAIRN_HOME/audit/status.json}, which {@code cairn status} reads while {@code serve} runs.
 * The file is checked every second and rewritten only when the status changed (it changes only when
 * a delivery is queued, succeeds or fails, so most checks write nothing).
 */
final class AuditStatusFile implements AutoCloseable {
  private final GitAuditLog audit;
  private final Path file;
  private final ScheduledExecutorService writer;
  private String written;

  /**
   * Starts checking.
   *
   * @param audit the audit log, or null when the trail is off
   * @param home CAIRN_HOME
   */
  AuditStatusFile(GitAuditLog audit, Path home) {
    this.audit = audit;
    this.file = home.resolve("audit").resolve("status.json");
    this.writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "cairn-audit-status");
              thread.setDaemon(true);
              return thread;
            });
    writer.scheduleWithFixedDelay(this::write, 0, 1, TimeUnit.SECONDS);
  }

  /** The status as JSON: {@code enabled}, and the delivery's state when the trail is on. */
  ObjectNode json() {
    ObjectNode node = Json.object();
    node.put("enabled", audit != null);
    if (audit != null) {
      AuditDeliveryStatus s = audit.status();
      node.put("branch", "cairn/audit");
      node.put("pending", s.pending());
      node.put("consecutiveFailures", s.consecutiveFailures());
      // Already redacted by the audit log: no credentials.
      s.lastError().ifPresent(e -> node.put("lastError", e));
      s.lastDelivered().ifPresent(t -> node.put("lastDelivered", t.toString()));
      s.nextAttempt().ifPresent(t -> node.put("nextAttempt", t.toString()));
    }
    return node;
  }

  private synchronized void write() {
    try {
      String text = Json.write(json());
      if (text.equals(written)) {
        return;
      }
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("status.json.tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written = text;
    } catch (IOException | RuntimeException e) {
      // Only `cairn status` reads it; the next check (a second later) tries again.
    }
  }

  /** Stops checking; writes the last status when the trail is on. */
  @Override
  public void close() {
    writer.shutdownNow();
    if (audit != null) {
      write();
    }
  }
}
