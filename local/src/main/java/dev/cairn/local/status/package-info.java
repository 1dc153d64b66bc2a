/** Status messages inside the Cairn process: the local {@code StatusPublisher}. */
package dev.cairn.local.status;
