package dev.cairn.local.job;

import dev.cairn.pipeline.runtime.JobLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The local runtime's job logs: one directory ({@code CAIRN_HOME/logs}) where a run's log {@code
 * NAME} is {@code RUN-NAME}. The job executor writes build and migration logs there already (their
 * job ids are {@code RUN-build}, {@code RUN-migrate-ENV}); other logs the runtime keeps, such as a
 * failed release's output, are copied in, so that {@code cairn logs RUN} finds every one.
 */
public final class LogDirectory implements JobLogs {
  private final Path directory;

  /** Logs in {@code directory}. */
  public LogDirectory(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  @Override
  public String keep(String run, String name, Path file) throws IOException {
    Path target = directory.resolve(run + "-" + name).normalize();
    if (!target.getParent().equals(directory)) {
      throw new IOException("not a log name: " + run + "-" + name);
    }
    if (!file.toAbsolutePath().normalize().equals(target)) {
      Files.createDirectories(directory);
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target.toString();
  }
}
