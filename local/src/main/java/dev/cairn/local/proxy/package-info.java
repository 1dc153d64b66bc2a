/**
 * The TCP proxy that owns an environment's stable port: a separate, detached process that forwards
 * each new connection to the release named in its control file, so that traffic switches without
 * failed requests and keeps flowing while Cairn restarts.
 */
package dev.cairn.local.proxy;
