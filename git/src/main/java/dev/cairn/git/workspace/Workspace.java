package dev.cairn.git.workspace;

import java.nio.file.Path;

/**
 * A directory holding the files of one commit, for one run. It is a plain directory (no {@code
 * .git}); the commit and tree ids are here for whoever needs them.
 *
 * @param directory the directory with the commit's files
 * @param commitId the commit that was checked out
 * @param treeId that commit's root tree
 */
public record Workspace(Path directory, String commitId, String treeId) {}
