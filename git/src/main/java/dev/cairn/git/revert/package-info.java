/** Revert commits Cairn pushes after an automatic rollback (the {@code rollback.revert} policy). */
package dev.cairn.git.revert;
