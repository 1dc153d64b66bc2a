package dev.cairn.engine.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Copies the SQLite store's write-ahead log into the database file from a connection and a thread
 * of its own, so that an {@code append} does not wait for it.
 *
 * <p>Left to itself, SQLite checkpoints on the committing connection: the commit that takes the log
 * past 1,000 pages also copies the log into the database file and syncs it before returning. For a
 * durable Map over 10,000 items (one commit of about 4 MB) that was about 10 ms of a 50 ms append.
 * The store turns that off on its writing connection ({@code wal_autocheckpoint=0}) and reports
 * each commit here; once about as much as SQLite's threshold has been committed since the last
 * complete checkpoint, this thread runs {@code PRAGMA wal_checkpoint(PASSIVE)}, which copies what
 * it can without blocking the writer or readers. SQLite starts the log over at the writer's next
 * transaction once everything in it has been copied.
 *
 * <p><b>Bounds.</b> If the log keeps growing anyway (commits faster than checkpoints, or a reader
 * in another process holding old pages), the writer checkpoints itself once {@link #LIMIT_BYTES}
 * are uncopied, after waiting for a background checkpoint in progress: the behaviour SQLite had
 * before, so the log stays within about that size plus one append.
 *
 * <p><b>Failures.</b> A checkpoint that fails (a full disk, an I/O error) loses nothing: the
 * committed transactions stay in the log, which readers and a reopened database still use. The
 * failure is kept and the next append checkpoints on the writer before it begins; if that fails
 * too, the append fails with SQLite's error, so a full disk surfaces where the caller can see it.
 */
final class WalCheckpointer implements AutoCloseable {
  /**
   * Committed bytes after which a background checkpoint starts: about SQLite's own threshold of
   * 1,000 pages of 4 KiB.
   */
  static final long START_BYTES = 1_000L * 4096;

  /** Uncopied bytes past which the writer checkpoints itself. */
  static final long LIMIT_BYTES = 64L << 20;

  /**
   * What one checkpoint does: runs it on a connection; whether everything in the log was copied.
   */
  interface Checkpoint {
    boolean run(Connection connection) throws SQLException;
  }

  /** SQLite's passive checkpoint: complete when nothing was busy and every frame was copied. */
  static final Checkpoint PASSIVE =
      connection -> {
        try (Statement s = connection.createStatement();
            ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
          // One row: busy (1 if it could not finish), frames in the log, frames copied.
          return rs.next() && rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3);
        }
      };

  private final Path file;
  private final Checkpoint checkpoint;
  private final Object monitor = new Object();

  // Guarded by monitor.
  private long uncopiedBytes;
  private boolean requested;
  private boolean running;
  private boolean closed;
  private SQLException failure;
  private Thread thread;
  private long completed;

  /** The background connection, used and closed by the thread only. */
  private Connection connection;

  WalCheckpointer(Path file, Checkpoint checkpoint) {
    this.file = file;
    this.checkpoint = checkpoint;
  }

  /**
   * Before a write transaction, on the writer's connection: if a background checkpoint failed since
   * the last append, checkpoints here, so that its error (a full disk) fails this append instead of
   * passing unseen.
   *
   * @throws SQLException SQLite's error when the checkpoint fails again
   */
  void beforeWrite(Connection writer) throws SQLException {
    synchronized (monitor) {
      if (failure == null) {
        return;
      }
      awaitIdle();
    }
    boolean complete = checkpoint.run(writer);
    synchronized (monitor) {
      failure = null;
      if (complete) {
        uncopiedBytes = 0;
      }
    }
  }

  /**
   * After a commit of about {@code bytes}, on the writer's connection: starts a background
   * checkpoint when enough has been committed, or checkpoints here past {@link #LIMIT_BYTES}. Never
   * throws: the commit has happened; a failure is kept for {@link #beforeWrite}.
   */
  void committed(Connection writer, long bytes) {
    synchronized (monitor) {
      uncopiedBytes += bytes;
      if (uncopiedBytes < START_BYTES || closed) {
        return;
      }
      if (uncopiedBytes < LIMIT_BYTES) {
        requested = true;
        if (thread == null) {
          thread = Thread.ofPlatform().daemon().name("cairn-sqlite-checkpoint").start(this::loop);
        }
        monitor.notifyAll();
        return;
      }
      awaitIdle();
    }
    try {
      boolean complete = checkpoint.run(writer);
      synchronized (monitor) {
        if (complete) {
          uncopiedBytes = 0;
          completed++;
        }
      }
    } catch (SQLException e) {
      synchronized (monitor) {
        failure = e;
      }
    }
  }

  /** Waits until no background checkpoint is running (the caller holds the monitor). */
  private void awaitIdle() {
    boolean interrupted = false;
    while (running) {
      try {
        monitor.wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    while (true) {
      long covered;
      synchronized (monitor) {
        while (!requested && !closed) {
          try {
            monitor.wait();
          } catch (InterruptedException e) {
            // Only close() ends this thread.
          }
        }
        if (closed) {
          break;
        }
        requested = false;
        running = true;
        covered = uncopiedBytes;
      }
      boolean complete = false;
      SQLException error = null;
      try {
        if (connection == null) {
          connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
        }
        complete = checkpoint.run(connection);
      } catch (SQLException e) {
        error = e;
      }
      synchronized (monitor) {
        running = false;
        if (error != null) {
          failure = error;
        } else if (complete) {
          // What was committed while it ran is still to copy.
          uncopiedBytes = Math.max(0, uncopiedBytes - covered);
          completed++;
        }
        monitor.notifyAll();
      }
    }
    closeConnection();
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Letting go of the file either way; the writer's close checkpoints what is left.
      }
      connection = null;
    }
  }

  /** How many checkpoints have completed, here or on the writer (for tests). */
  long completed() {
    synchronized (monitor) {
      return completed;
    }
  }

  /**
   * Stops the thread after the checkpoint in progress, if any, and closes its connection: before
   * the writer's connection closes, which as the last one checkpoints what is left.
   */
  @Override
  public void close() {
    Thread running;
    synchronized (monitor) {
      closed = true;
      monitor.notifyAll();
      running = thread;
    }
    if (running != null) {
      boolean interrupted = false;
      while (running.isAlive()) {
        try {
          running.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
