package dev.cairn.pipeline.runtime;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Keeps the log file of a job where people find it after the job's machine is gone: on AWS in the
 * artifact bucket. Locally the job executor already writes logs into {@code CAIRN_HOME/logs}.
 */
@FunctionalInterface
public interface JobLogs {
  /**
   * Keeps {@code file} as {@code name} of {@code run}.
   *
   * @return where it is kept (a path or URI), for people
   */
  String keep(String run, String name, Path file) throws IOException;

  /** Logs stay where the job executor wrote them. */
  JobLogs IN_PLACE = (run, name, file) -> String.valueOf(file);
}
