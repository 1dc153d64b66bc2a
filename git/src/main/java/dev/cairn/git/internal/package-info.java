/**
 * Helpers shared by the git adapters (mirror, audit log, audit reader, reverter): not API, may
 * change without notice.
 */
package dev.cairn.git.internal;
