/** Per-run working directories checked out from the local mirror. */
package dev.cairn.git.workspace;
