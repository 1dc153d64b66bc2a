package dev.cairn.local.state;

import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.RunFactsJson;
import dev.cairn.pipeline.runtime.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs' facts in {@code CAIRN_HOME/runs/<run>/run.json}, each written atomically; the run counter
 * beside them in {@code CAIRN_HOME/runs.sequence} (the runs directory holds only runs).
 */
public final class FileRunStore implements RunStore {
  /** Run ids are file names: no separators, no dots first. */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Path directory;
  private final Object lock = new Object();

  /** Runs kept under {@code directory} ({@code CAIRN_HOME/runs}). */
  public FileRunStore(Path directory) {
    this.directory = directory;
  }

  @Override
  public Optional<RunFacts> find(String run) {
    return JsonFiles.read(file(run)).map(RunFactsJson::read);
  }

  @Override
  public RunFacts update(String run, UnaryOperator<RunFacts> change) {
    synchronized (lock) {
      RunFacts facts =
          find(run).orElseThrow(() -> new NoSuchElementException("no run named " + run));
      RunFacts changed = change.apply(facts);
      JsonFiles.write(file(run), RunFactsJson.write(changed));
      return changed;
    }
  }

  @Override
  public void create(RunFacts facts) {
    synchronized (lock) {
      JsonFiles.write(file(facts.id()), RunFactsJson.write(facts));
    }
  }

  @Override
  public long nextSequence() {
    synchronized (lock) {
      Path counter = directory.resolveSibling(directory.getFileName() + ".sequence");
      try {
        long last;
        if (Files.exists(counter)) {
          last = Long.parseLong(Files.readString(counter, StandardCharsets.UTF_8).strip());
        } else {
          // A CAIRN_HOME from before the counter: its runs were numbered by counting them.
          last = countRuns();
        }
        long next = last + 1;
        Path temp = counter.resolveSibling(counter.getFileName() + ".tmp");
        Files.createDirectories(directory);
        Files.writeString(temp, next + "\n", StandardCharsets.UTF_8);
        Files.move(
            temp,
            counter,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return next;
      } catch (IOException | NumberFormatException e) {
        throw new UncheckedIOException(
            "cannot number the run (" + counter + "): " + e.getMessage(),
            e instanceof IOException io ? io : new IOException(e));
      }
    }
  }

  private long countRuns() throws IOException {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.filter(Files::isDirectory).count();
    }
  }

  private Path file(String run) {
    if (!RUN_ID.matcher(run).matches()) {
      throw new IllegalArgumentException("'" + run + "' is not a run id");
    }
    return directory.resolve(run).resolve("run.json");
  }
}
