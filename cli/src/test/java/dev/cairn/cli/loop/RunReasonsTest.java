package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.CairnCommand;
import dev.cairn.pipeline.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why a run failed reaches every surface of the local runtime: {@code cairn runs}, {@code cairn
 * logs RUN}, {@code cairn status} and the runs the API serves show a release's own output, an
 * invalid pipeline file's problems (as {@code cairn.yml:LINE:COL}) and a failing step's output.
 */
class RunReasonsTest {
  private static final String CRASHING_APP =
      "import sys\n"
          + "print('connecting to the database at DB_URL', flush=True)\n"
          + "print('Traceback: ConnectionRefusedError: db.internal:5432', file=sys.stderr)\n"
          + "sys.exit(3)\n";

  @TempDir java.nio.file.Path dir;
  private LoopHarness loop;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
    System.setProperty("cairn.home", loop.home.toString());
  }

  @AfterEach
  void tearDown() {
    loop.close();
    System.clearProperty("cairn.home");
  }

  /** Runs a command with its output captured; returns its exit code. */
  private int cairn(String... args) {
    out.reset();
    err.reset();
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return CairnCommand.run(args);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everySurfaceSaysWhyARunFailed() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit good = loop.commit("tiny: first version");
    loop.push(good);
    loop.start();
    LoopHarness.Outcome first = loop.awaitRun(good);
    assertProduction(first).isEqualTo("deployed");

    // A release that exits at once: why is only in its own output.
    loop.write("app.py", CRASHING_APP);
    RevCommit crash = loop.commit("tiny: a release that cannot reach its database");
    loop.push(crash);
    LoopHarness.Outcome crashed = loop.awaitRun(crash);
    assertProduction(crashed).isEqualTo("rolled-back");

    // An invalid pipeline file: why is its problems.
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s").replace("build:", "bild:"));
    RevCommit typo = loop.commit("tiny: a typo in cairn.yml");
    loop.push(typo);
    LoopHarness.Outcome invalid = loop.awaitRun(typo);

    // A failing build step: why is its output.
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: echo compiling && echo app.py line 3, missing semicolon >&2 && exit 2",
            "",
            "python3 app.py",
            "0s"));
    RevCommit broken = loop.commit("tiny: a build that fails");
    loop.push(broken);
    LoopHarness.Outcome failedBuild = loop.awaitRun(broken);

    // One error name for the invalid pipeline, everywhere.
    assertThat(invalid.error()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(cairn("runs", "--json")).isZero();
    JsonNode runs = Json.parse(stdout());
    JsonNode invalidRun = find(runs, invalid.runId());
    assertThat(invalidRun.path("error").asText()).isEqualTo("Cairn.InvalidPipeline");
    assertThat(invalidRun.path("failure").path("error").asText())
        .isEqualTo("Cairn.InvalidPipeline");
    assertThat(find(runs, crashed.runId()).path("failure").path("error").asText())
        .isEqualTo("Cairn.Unhealthy");
    // The API serves the same runs.
    assertThat(find(loop.cairn().runs(), invalid.runId()).path("failure"))
        .isEqualTo(invalidRun.path("failure"));

    assertThat(cairn("runs")).isZero();
    assertThat(stdout())
        .contains("    cairn.yml:")
        .containsPattern("    cairn\\.yml:\\d+:\\d+: unknown key 'bild'")
        .contains(
            "    production: Cairn.Unhealthy: the release of " + crash.getName().substring(0, 7))
        .contains("    Cairn.BuildFailed: step")
        .contains("(its output: cairn logs " + failedBuild.runId() + ")")
        .doesNotContain(loop.home.toString());

    assertThat(cairn("logs", crashed.runId())).isZero();
    assertThat(stdout())
        .contains("--- release output (production")
        .contains("Traceback: ConnectionRefusedError: db.internal:5432")
        .contains("--- why run " + crashed.runId() + " failed")
        .contains("production: Cairn.Unhealthy");

    assertThat(cairn("logs", invalid.runId())).isZero();
    assertThat(stdout())
        .containsPattern("(?m)^cairn\\.yml:\\d+:\\d+: unknown key 'bild'")
        .containsPattern("(?m)^cairn\\.yml:\\d+:\\d+: missing required key 'build'")
        .doesNotContain(loop.home.toString());

    assertThat(cairn("logs", failedBuild.runId())).isZero();
    assertThat(stdout()).contains("app.py line 3, missing semicolon").contains("Cairn.BuildFailed");

    assertThat(cairn("status")).isZero();
    assertThat(stdout())
        .contains("  failed     " + crashed.runId())
        .contains("production: Cairn.Unhealthy")
        .contains("Traceback: ConnectionRefusedError: db.internal:5432")
        .contains("last run: " + failedBuild.runId())
        .contains("app.py line 3, missing semicolon");
    assertThat(cairn("status", "--json")).isZero();
    JsonNode production = Json.parse(stdout()).path("environments").get(0);
    assertThat(production.path("lastFailure").path("run").asText()).isEqualTo(crashed.runId());
    assertThat(production.path("lastFailure").path("log").asText())
        .isEqualTo("release-production.log");

    // The first version's tree again: its artifact is reused, the run has no output of its own.
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit again = loop.commit("tiny: first version again");
    loop.push(again);
    LoopHarness.Outcome reused = loop.awaitRun(again);
    assertProduction(reused).isEqualTo("deployed");

    assertThat(cairn("status")).isZero();
    assertThat(stdout()).doesNotContain("  failed  ").contains("last run: " + reused.runId());
    assertThat(cairn("logs", reused.runId())).isZero();
    assertThat(stdout()).isEmpty();
    assertThat(stderr()).contains("run " + reused.runId() + " left no output (SUCCEEDED)");
  }

  private static JsonNode find(JsonNode runs, String id) {
    for (JsonNode run : runs) {
      if (run.path("id").asText().equals(id)) {
        return run;
      }
    }
    throw new AssertionError("no run " + id + " in " + runs);
  }
}
