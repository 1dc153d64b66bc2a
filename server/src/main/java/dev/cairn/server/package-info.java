/** Cairn server adapter. */
package dev.cairn.server;
