package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of records waiting for delivery, one file each (plus a {@code .lock}), named {@code
 * <sequence>-<record id>.json} so that the directory listing gives the append order.
 *
 * <p>A file appears whole or not at all (written to a temporary name, forced to disk, renamed, and
 * the directory forced), so a crash at any instant leaves either the complete record or none. One
 * outbox belongs to one process.
 */
final class AuditOutbox implements AutoCloseable {

  private static final Pattern ENTRY = Pattern.compile("(\\d{19})-([0-9a-f-]{36})\\.json");

  /** A queued record and its file. */
  record Entry(Path file, long sequence, AuditRecord record) {}

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private long lastSequence;

  /**
   * Opens the outbox and locks it, so that a second process (or a second instance in this one)
   * cannot deliver the same records concurrently.
   *
   * @throws IOException if it cannot be created, or another instance holds it
   */
  AuditOutbox(Path directory) throws IOException {
    this.directory = directory.toAbsolutePath();
    Files.createDirectories(this.directory);
    lockChannel =
        FileChannel.open(
            this.directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock held;
    try {
      held = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      held = null;
    }
    if (held == null) {
      lockChannel.close();
      throw new IOException(
          "The audit outbox " + this.directory + " is in use by another Cairn process");
    }
    lock = held;
    try (Stream<Path> files = Files.list(this.directory)) {
      // A temporary file is a write that did not finish: append() had not returned, so the
      // record was never promised to anyone.
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Releases the lock; the files stay for the next instance. */
  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case; nothing else to undo.
    }
  }

  Path directory() {
    return directory;
  }

  /**
   * Stores a record durably; does nothing if a record with the same id is queued.
   *
   * @return false if the record was already queued
   */
  synchronized boolean add(AuditRecord record) throws IOException {
    long max = lastSequence;
    for (String name : names()) {
      Matcher m = ENTRY.matcher(name);
      if (!m.matches()) {
        continue;
      }
      if (m.group(2).equals(record.id())) {
        return false;
      }
      max = Math.max(max, Long.parseLong(m.group(1)));
    }
    long sequence = max + 1;
    String name = String.format(Locale.ROOT, "%019d-%s.json", sequence, record.id());
    Path tmp = directory.resolve(name + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(record.toJson().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    try {
      Files.move(tmp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException(
          "The outbox " + directory + " is on a file system without atomic renames");
    }
    syncDirectory();
    lastSequence = sequence;
    return true;
  }

  /**
   * The queued records, oldest first.
   *
   * @throws IOException if a file cannot be read or is not a record (it stays, for a person to look
   *     at)
   */
  List<Entry> list() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (String name : names()) {
      Matcher m = ENTRY.matcher(name);
      if (!m.matches()) {
        continue;
      }
      Path file = directory.resolve(name);
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException delivered) {
        continue;
      }
      try {
        entries.add(new Entry(file, Long.parseLong(m.group(1)), AuditRecord.fromJson(text)));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "Unreadable audit record in the outbox: " + file + ": " + e.getMessage());
      }
    }
    return entries;
  }

  /** How many records are queued. */
  int size() throws IOException {
    return names().size();
  }

  /** Forgets a delivered record. */
  void remove(Entry entry) throws IOException {
    Files.deleteIfExists(entry.file());
    syncDirectory();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> ENTRY.matcher(n).matches())
          .sorted()
          .toList();
    }
  }

  /** A rename or delete is durable only once the directory itself reaches the disk. */
  private void syncDirectory() throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open directories for syncing; the rename is then as durable as
      // that file system makes it, which is the best available.
    }
  }
}
