package dev.cairn.bench;

import dev.cairn.git.audit.AuditTrail;
import dev.cairn.git.audit.AuditVerifier;
import dev.cairn.git.audit.GitAuditLog;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.audit.DoraMetrics;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.audit.TrailEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Generates an audit trail of N records (default 100,000) in a bare repository and times the reader
 * on it in one JVM: the first read (which builds the index), a read from the index, a read with a
 * few new commits, the history queries and the metrics. Run by {@code bench/run-audit.sh}, which
 * also times the {@code cairn history} and {@code cairn metrics} commands as processes.
 *
 * <p>The trail is what Cairn writes for runs of two environments — run started, built, and per
 * environment deployment started then deployed, or (one run in ten) deployment failed and rolled
 * back — with real trailers, author dates and record files. One simplification: each commit's tree
 * holds only its own record file (the writer's trees hold every record so far), because rewriting a
 * tree of thousands of entries per commit would make the generator, not the reader, the thing
 * measured. Listing and metrics read commits only, never trees, so their numbers are unaffected;
 * {@code audit verify} (which diffs trees) is not measured here.
 */
public final class AuditBenchmark {
  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  private AuditBenchmark() {}

  /** {@code --workspace DIR [--records N] [--verify-records N] [--generate-only]}. */
  public static void main(String[] args) throws Exception {
    Path workspace = null;
    int records = 100_000;
    int verifyRecords = 5_000;
    boolean generateOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workspace" -> workspace = Path.of(args[++i]);
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--verify-records" -> verifyRecords = Integer.parseInt(args[++i]);
        case "--generate-only" -> generateOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (workspace == null) {
      throw new IllegalArgumentException("--workspace DIR is required");
    }
    Path origin = workspace.resolve("origin.git");
    long t = System.nanoTime();
    Generated g = generate(origin, records);
    System.out.printf(
        Locale.ROOT,
        "generated %d records (%d runs) in %s; sample commit %s%n",
        g.records,
        g.runs,
        ms(System.nanoTime() - t),
        g.sampleCommit);
    Files.writeString(workspace.resolve("sample-commit"), g.sampleCommit + "\n");
    Path verifyOrigin = workspace.resolve("verify.git");
    t = System.nanoTime();
    Generated v = generate(verifyOrigin, verifyRecords, true);
    System.out.printf(
        Locale.ROOT,
        "generated %d records with full trees (for audit verify) in %s%n",
        v.records,
        ms(System.nanoTime() - t));
    if (generateOnly) {
      return;
    }
    Path index = workspace.resolve("index");
    System.out.println();
    System.out.println("| in one JVM | time |");
    System.out.println("|---|---|");
    row(
        "first read, builds the index (" + records + " commits walked)",
        () -> count(origin, index));
    row("read from the index (no new commit)", () -> count(origin, index));
    row("read without any index (walk every commit)", () -> count(origin, null));
    append(origin, 10);
    row("read from the index after 10 new commits", () -> count(origin, index));
    for (int i = 0; i < 3; i++) {
      count(origin, index); // warm the JIT for the query rows
    }
    try (AuditTrail trail = AuditTrail.open(origin, null, index)) {
      List<TrailEntry> all = trail.entries();
      Instant end = all.get(all.size() - 1).occurredAt().plusSeconds(1);
      row(
          "history --env production --limit 50",
          () -> trail.query(new AuditTrail.Query("production", null, null, null, null, 50)).size());
      row(
          "history --commit <7 hex> (all matches)",
          () ->
              trail
                  .query(
                      new AuditTrail.Query(
                          null, g.sampleCommit.substring(0, 7), null, null, null, 0))
                  .size());
      row(
          "history --env production --limit 0 (every match)",
          () -> trail.query(new AuditTrail.Query("production", null, null, null, null, 0)).size());
      row(
          "metrics, all environments, whole trail",
          () -> DoraMetrics.compute(all, null, START, end).size());
      row(
          "metrics --env production --since 30d",
          () -> DoraMetrics.compute(all, "production", end.minus(Duration.ofDays(30)), end).size());
      row("last good and bad commits (ReleaseMemory)", () -> ReleaseMemory.derive(all).size());
    }
    try (Repository repo =
        new FileRepositoryBuilder().setGitDir(verifyOrigin.toFile()).setMustExist(true).build()) {
      row(
          "audit verify, " + verifyRecords + " records with full trees (problems found)",
          () ->
              AuditVerifier.builder()
                  .build()
                  .verify(repo, "refs/heads/cairn/audit", List.of())
                  .problems()
                  .size());
    }
  }

  private record Generated(int records, int runs, String sampleCommit) {}

  private static int count(Path origin, Path index) throws IOException {
    try (AuditTrail trail = AuditTrail.open(origin, null, index)) {
      return trail.entries().size();
    }
  }

  private static void row(String what, Callable<Integer> action) throws Exception {
    long t = System.nanoTime();
    int n = action.call();
    System.out.printf(Locale.ROOT, "| %s → %d | %s |%n", what, n, ms(System.nanoTime() - t));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
  }

  static Generated generate(Path origin, int records) throws IOException {
    return generate(origin, records, false);
  }

  /**
   * Builds the trail with one pack inserter: no loose objects.
   *
   * @param fullTrees every commit's tree holds every record so far, as the writer's do (for audit
   *     verify); otherwise only the commit's own record
   */
  static Generated generate(Path origin, int records, boolean fullTrees) throws IOException {
    try (Repository repo =
        new FileRepositoryBuilder().setGitDir(origin.toFile()).setBare().build()) {
      if (!Files.exists(origin.resolve("HEAD"))) {
        repo.create(true);
      }
      Random random = new Random(42);
      ObjectId tip = null;
      int written = 0;
      int runs = 0;
      String sample = null;
      Instant clock = START;
      FullTrees trees = new FullTrees();
      try (ObjectInserter inserter =
          ((ObjectDirectory) repo.getObjectDatabase()).newPackInserter()) {
        while (written < records) {
          runs++;
          String app = hex(random, 40);
          if (runs == 1000) {
            sample = app;
          }
          String run = String.format(Locale.ROOT, "%06d-%s", runs, app.substring(0, 7));
          Instant committedAt = clock.minusSeconds(60 + random.nextInt(7200));
          List<AuditRecord> batch = new ArrayList<>();
          clock = clock.plusSeconds(1);
          batch.add(base(AuditEvent.RUN_STARTED, app, run, null, clock, committedAt).build());
          clock = clock.plusSeconds(20 + random.nextInt(60));
          batch.add(
              base(AuditEvent.BUILD_SUCCEEDED, app, run, null, clock, committedAt)
                  .artifact("sha256:" + hex(random, 64))
                  .build());
          for (String env : List.of("staging", "production")) {
            clock = clock.plusSeconds(1);
            batch.add(
                base(AuditEvent.DEPLOYMENT_STARTED, app, run, env, clock, committedAt).build());
            clock = clock.plusSeconds(5 + random.nextInt(30));
            if (random.nextInt(10) == 0) {
              batch.add(
                  base(AuditEvent.DEPLOYMENT_FAILED, app, run, env, clock, committedAt)
                      .error(new AuditError("Cairn.HealthCheckFailed", "no answer on /health"))
                      .build());
              batch.add(base(AuditEvent.ROLLED_BACK, app, run, env, clock, committedAt).build());
              break;
            }
            batch.add(base(AuditEvent.DEPLOYED, app, run, env, clock, committedAt).build());
          }
          // Whole runs only, so that every run has its records (audit verify checks that).
          for (AuditRecord r : batch) {
            tip = fullTrees ? trees.commit(inserter, tip, r) : commit(inserter, tip, r);
            written++;
          }
          clock = clock.plusSeconds(300 + random.nextInt(3600));
        }
        inserter.flush();
      }
      RefUpdate u = repo.updateRef("refs/heads/cairn/audit");
      u.setNewObjectId(tip);
      u.setForceUpdate(true);
      u.update();
      return new Generated(written, runs, sample == null ? "0000000" : sample);
    }
  }

  /** Adds a few records on top of the branch, as a running Cairn would. */
  private static void append(Path origin, int n) throws IOException {
    try (Repository repo =
            new FileRepositoryBuilder().setGitDir(origin.toFile()).setMustExist(true).build();
        ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId tip = repo.resolve("refs/heads/cairn/audit");
      Random random = new Random(7);
      Instant at = Instant.now();
      for (int i = 0; i < n; i++) {
        tip =
            commit(
                inserter,
                tip,
                base(AuditEvent.DEPLOYED, hex(random, 40), "new-" + i, "staging", at, null)
                    .build());
      }
      inserter.flush();
      RefUpdate u = repo.updateRef("refs/heads/cairn/audit");
      u.setNewObjectId(tip);
      u.update();
    }
  }

  private static AuditRecord.Builder base(
      AuditEvent event, String app, String run, String env, Instant at, Instant committedAt) {
    return AuditRecord.builder()
        .event(event)
        .occurredAt(at)
        .run(run)
        .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
        .commit(app)
        .commitSubject("notes: change " + app.substring(0, 5))
        .environment(env)
        .committedAt(committedAt)
        .cairnVersion("0.1.0-bench");
  }

  private static ObjectId commit(ObjectInserter inserter, ObjectId parent, AuditRecord r)
      throws IOException {
    ObjectId blob =
        inserter.insert(Constants.OBJ_BLOB, r.toJson().getBytes(StandardCharsets.UTF_8));
    String[] parts = r.path().split("/");
    TreeFormatter month = new TreeFormatter();
    month.append(parts[3], FileMode.REGULAR_FILE, blob);
    TreeFormatter year = new TreeFormatter();
    year.append(parts[2], FileMode.TREE, inserter.insert(month));
    TreeFormatter records = new TreeFormatter();
    records.append(parts[1], FileMode.TREE, inserter.insert(year));
    TreeFormatter root = new TreeFormatter();
    root.append(parts[0], FileMode.TREE, inserter.insert(records));
    CommitBuilder c = new CommitBuilder();
    c.setTreeId(inserter.insert(root));
    if (parent != null) {
      c.setParentId(parent);
    }
    c.setAuthor(new PersonIdent("Cairn", "cairn@localhost", r.occurredAt(), ZoneOffset.UTC));
    c.setCommitter(new PersonIdent("Cairn", "cairn@localhost", r.occurredAt(), ZoneOffset.UTC));
    c.setMessage(GitAuditLog.messageOf(r));
    return inserter.insert(c);
  }

  /**
   * Trees holding every record so far, rebuilt per commit only along the changed path (the month's
   * tree, its year's, {@code records/} and the root), as the writer's trees look.
   */
  private static final class FullTrees {
    private final java.util.TreeMap<
            String, java.util.TreeMap<String, java.util.TreeMap<String, ObjectId>>>
        files = new java.util.TreeMap<>();
    private final java.util.Map<String, ObjectId> monthTrees = new java.util.HashMap<>();
    private final java.util.Map<String, ObjectId> yearTrees = new java.util.HashMap<>();

    ObjectId commit(ObjectInserter inserter, ObjectId parent, AuditRecord r) throws IOException {
      String[] parts = r.path().split("/");
      ObjectId blob =
          inserter.insert(Constants.OBJ_BLOB, r.toJson().getBytes(StandardCharsets.UTF_8));
      var months = files.computeIfAbsent(parts[1], y -> new java.util.TreeMap<>());
      var month = months.computeIfAbsent(parts[2], m -> new java.util.TreeMap<>());
      month.put(parts[3], blob);
      TreeFormatter monthTree = new TreeFormatter();
      month.forEach((name, id) -> monthTree.append(name, FileMode.REGULAR_FILE, id));
      monthTrees.put(parts[1] + "/" + parts[2], inserter.insert(monthTree));
      TreeFormatter yearTree = new TreeFormatter();
      for (String m : months.keySet()) {
        yearTree.append(m, FileMode.TREE, monthTrees.get(parts[1] + "/" + m));
      }
      yearTrees.put(parts[1], inserter.insert(yearTree));
      TreeFormatter recordsTree = new TreeFormatter();
      for (String y : files.keySet()) {
        recordsTree.append(y, FileMode.TREE, yearTrees.get(y));
      }
      TreeFormatter root = new TreeFormatter();
      root.append("records", FileMode.TREE, inserter.insert(recordsTree));
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(inserter.insert(root));
      if (parent != null) {
        c.setParentId(parent);
      }
      c.setAuthor(new PersonIdent("Cairn", "cairn@localhost", r.occurredAt(), ZoneOffset.UTC));
      c.setCommitter(new PersonIdent("Cairn", "cairn@localhost", r.occurredAt(), ZoneOffset.UTC));
      c.setMessage(GitAuditLog.messageOf(r));
      return inserter.insert(c);
    }
  }

  private static String hex(Random random, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }
}
