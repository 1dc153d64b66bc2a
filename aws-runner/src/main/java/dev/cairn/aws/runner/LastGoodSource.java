package dev.cairn.aws.runner;

import dev.cairn.pipeline.audit.ReleaseMemory;
import java.io.IOException;
import java.util.Optional;

/** Where a rollback learns the environment's last good release: the audit trail in git. */
@FunctionalInterface
public interface LastGoodSource {
  /**
   * The last good release of the environment, if it ever had one.
   *
   * @throws IOException when the trail cannot be read
   */
  Optional<ReleaseMemory.Release> lastGood(String environment) throws IOException;
}
