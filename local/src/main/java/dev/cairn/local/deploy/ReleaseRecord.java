package dev.cairn.local.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.cairn.pipeline.port.Release;

/**
 * A release in the state file.
 *
 * @param id the release id
 * @param commit the application commit
 * @param artifactDigest the artifact
 * @param port the private port
 * @param process the release's process ({@code /bin/sh -c COMMAND}, or the sandbox's outer process;
 *     after an adoption the topmost process that outlived it)
 * @param log the release's log file
 * @param startedAt when Cairn started it (ISO-8601)
 * @param image the container image it runs, or null for a process release
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ReleaseRecord(
    String id,
    String commit,
    String artifactDigest,
    int port,
    ProcessRef process,
    String log,
    String startedAt,
    String image) {
  /** The same release run by another process, started now. */
  ReleaseRecord withProcess(ProcessRef again) {
    return new ReleaseRecord(
        id, commit, artifactDigest, port, again, log, java.time.Instant.now().toString(), image);
  }

  /** Whether the release is a container (stopped through the runtime first). */
  boolean container() {
    return image != null;
  }

  /**
   * The same release, now standing for {@code survivor}: what its first process started, which
   * outlived it and keeps serving (see {@link ProcessDeployer#adoptSurvivors}).
   */
  ReleaseRecord adopting(ProcessRef survivor) {
    return new ReleaseRecord(id, commit, artifactDigest, port, survivor, log, startedAt, image);
  }

  Release toRelease(String environment) {
    return new Release(environment, id, commit, artifactDigest, port, process.pid());
  }
}
