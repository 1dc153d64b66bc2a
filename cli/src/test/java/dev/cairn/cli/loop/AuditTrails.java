package dev.cairn.cli.loop;

import dev.cairn.pipeline.audit.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Reads what Cairn pushed to a bare origin: audit commits, record files, notes and tags. */
final class AuditTrails {
  /** One audit commit: its message and the record file it added. */
  record Entry(String message, String file, AuditRecord record) {}

  private AuditTrails() {}

  /** The audit branch, oldest first; empty when there is none. */
  static List<Entry> entries(Path origin) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (Repository repo = open(origin);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId tip = repo.resolve("refs/heads/cairn/audit");
      if (tip == null) {
        return entries;
      }
      Map<String, String> files = new HashMap<>();
      try (TreeWalk tw = new TreeWalk(repo)) {
        tw.addTree(walk.parseCommit(tip).getTree());
        tw.setRecursive(true);
        while (tw.next()) {
          files.put(
              tw.getPathString(),
              new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
        }
      }
      walk.sort(RevSort.REVERSE);
      walk.markStart(walk.parseCommit(tip));
      for (RevCommit c : walk) {
        String id = c.getFooterLines("Cairn-Record").get(0);
        String path =
            files.keySet().stream().filter(p -> p.endsWith("/" + id + ".json")).findFirst().get();
        String file = files.get(path);
        entries.add(new Entry(c.getFullMessage(), file, AuditRecord.fromJson(file)));
      }
    }
    return entries;
  }

  /** The records on the audit branch, oldest first. */
  static List<AuditRecord> records(Path origin) throws IOException {
    return entries(origin).stream().map(Entry::record).toList();
  }

  /** Every cairn note's text and every tag's message, concatenated (for secret scans). */
  static String notesAndTags(Path origin) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Repository repo = open(origin);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId notesTip = repo.resolve("refs/notes/cairn");
      if (notesTip != null) {
        NoteMap notes = NoteMap.read(walk.getObjectReader(), walk.parseCommit(notesTip));
        for (Note note : notes) {
          all.append(new String(repo.open(note.getData()).getBytes(), StandardCharsets.UTF_8));
        }
      }
      for (Ref tag : repo.getRefDatabase().getRefsByPrefix("refs/tags/")) {
        if (walk.parseAny(tag.getObjectId()) instanceof RevTag annotated) {
          all.append(annotated.getFullMessage());
        }
      }
    }
    return all.toString();
  }

  /** The cairn note of an application commit, or null. */
  static String note(Path origin, String commit) throws IOException {
    try (Repository repo = open(origin);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId notesTip = repo.resolve("refs/notes/cairn");
      if (notesTip == null) {
        return null;
      }
      NoteMap notes = NoteMap.read(walk.getObjectReader(), walk.parseCommit(notesTip));
      Note note = notes.getNote(ObjectId.fromString(commit));
      return note == null
          ? null
          : new String(repo.open(note.getData()).getBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The commit a tag points at (peeled), by tag name below refs/tags/; or null. */
  static Map<String, String> tags(Path origin, String prefix) throws IOException {
    Map<String, String> tags = new HashMap<>();
    try (Repository repo = open(origin);
        RevWalk walk = new RevWalk(repo)) {
      for (Ref tag : repo.getRefDatabase().getRefsByPrefix("refs/tags/" + prefix)) {
        tags.put(
            tag.getName().substring("refs/tags/".length()),
            walk.peel(walk.parseAny(tag.getObjectId())).name());
      }
    }
    return tags;
  }

  /** A branch's tip on the origin, or null. */
  static RevCommit branch(Path origin, String name) throws IOException {
    try (Repository repo = open(origin);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve("refs/heads/" + name);
      if (id == null) {
        return null;
      }
      RevCommit c = walk.parseCommit(id);
      walk.parseBody(c);
      return c;
    }
  }

  private static Repository open(Path origin) throws IOException {
    return new FileRepositoryBuilder().setGitDir(origin.toFile()).setMustExist(true).build();
  }
}
