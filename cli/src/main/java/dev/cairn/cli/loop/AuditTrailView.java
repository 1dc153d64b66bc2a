package dev.cairn.cli.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The audit trail of a repository as git shows it: the subjects of {@code git log cairn/audit} and
 * the commits of a branch with their {@code cairn} notes, as {@code git log --notes=cairn} prints
 * them. For the demo's last step; newest first, like git.
 */
public final class AuditTrailView {
  private AuditTrailView() {}

  /**
   * {@code git log --format='%h %s' cairn/audit}.
   *
   * @param repository a bare repository (the application's remote)
   * @return one line per audit commit, newest first; empty when there is no audit branch
   */
  public static List<String> auditLog(Path repository) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Repository repo = open(repository);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId tip = repo.resolve("refs/heads/cairn/audit");
      if (tip == null) {
        return lines;
      }
      walk.markStart(walk.parseCommit(tip));
      for (RevCommit c : walk) {
        lines.add(c.abbreviate(7).name() + " " + c.getShortMessage());
      }
    }
    return lines;
  }

  /**
   * {@code git log --notes=cairn --format='%h %s%n%N' <branch>}, the notes indented.
   *
   * @param repository a bare repository (the application's remote)
   * @param branch the application branch, e.g. {@code main}
   * @return the lines, newest commit first
   */
  public static List<String> notesLog(Path repository, String branch) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Repository repo = open(repository);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId tip = repo.resolve("refs/heads/" + branch);
      if (tip == null) {
        return lines;
      }
      ObjectId notesTip = repo.resolve("refs/notes/cairn");
      NoteMap notes =
          notesTip == null
              ? NoteMap.newEmptyMap()
              : NoteMap.read(walk.getObjectReader(), walk.parseCommit(notesTip));
      walk.markStart(walk.parseCommit(tip));
      for (RevCommit c : walk) {
        lines.add(c.abbreviate(7).name() + " " + c.getShortMessage());
        Note note = notes.getNote(c);
        if (note != null) {
          String text =
              new String(repo.open(note.getData()).getCachedBytes(1 << 20), StandardCharsets.UTF_8);
          text.lines().forEach(l -> lines.add("    " + l));
        }
      }
    }
    return lines;
  }

  private static Repository open(Path repository) throws IOException {
    return new FileRepositoryBuilder().setGitDir(repository.toFile()).setMustExist(true).build();
  }
}
