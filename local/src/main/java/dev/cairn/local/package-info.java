/** Cairn local adapter. */
package dev.cairn.local;
