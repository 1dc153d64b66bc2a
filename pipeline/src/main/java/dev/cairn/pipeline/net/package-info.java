/** Loopback ports for releases and services: chosen where no outgoing connection can take them. */
package dev.cairn.pipeline.net;
