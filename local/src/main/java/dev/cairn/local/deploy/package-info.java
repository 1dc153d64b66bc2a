/**
 * The local {@link dev.cairn.pipeline.port.Deployer}: releases run as detached processes on private
 * ports behind the environment's proxy process ({@link dev.cairn.local.proxy.ProxyMain}); what runs
 * is recorded in one JSON state file per environment so that a restarted Cairn re-adopts it.
 */
package dev.cairn.local.deploy;
