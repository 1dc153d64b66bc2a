package dev.cairn.pipeline.port;

/**
 * A running release.
 *
 * @param environment the environment
 * @param id unique id of this release process
 * @param commit the application commit it runs
 * @param artifactDigest the artifact it runs
 * @param port its private port
 * @param pid its process id
 */
public record Release(
    String environment, String id, String commit, String artifactDigest, int port, long pid) {}
