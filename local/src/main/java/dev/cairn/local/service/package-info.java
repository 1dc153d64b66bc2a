/**
 * The local {@link dev.cairn.pipeline.port.ServiceProvisioner}: PostgreSQL and Redis as detached
 * processes of the machine's binaries, with persistent data directories and generated credentials
 * kept in the secret store.
 */
package dev.cairn.local.service;
