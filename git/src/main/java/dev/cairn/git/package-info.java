/**
 * Cairn git adapter (JGit only, never a {@code git} process): {@link
 * dev.cairn.git.RepositoryMirror} keeps a bare mirror of the application repository and reports new
 * commits as {@link dev.cairn.git.CommitInfo}; remote failures are {@link
 * dev.cairn.git.GitRemoteException}s typed by the reaction they need. Subpackages: {@code watch}
 * (commit detection), {@code hook} (push hook for local bare repositories), {@code workspace}
 * (per-run checkouts from the mirror).
 */
package dev.cairn.git;
