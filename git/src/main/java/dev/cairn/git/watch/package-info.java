/** Commit detection: ls-remote polling plus push notifications, delivering each commit once. */
package dev.cairn.git.watch;
