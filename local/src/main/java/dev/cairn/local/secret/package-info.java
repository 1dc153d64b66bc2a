/** Secrets kept as owner-only files on the local disk. */
package dev.cairn.local.secret;
