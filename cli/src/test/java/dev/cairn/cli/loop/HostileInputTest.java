package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.loop.LoopHarness.Event;
import dev.cairn.cli.loop.LoopHarness.Outcome;
import dev.cairn.local.secret.FileSecretStore;
import dev.cairn.pipeline.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What developers push is untrusted: messages and names with shell syntax, broken pipeline files,
 * build steps that print secrets or go looking for Cairn's own.
 */
class HostileInputTest {
  private static final String SECRET = "s3cr3t-Value-7f4e1c9a";

  @TempDir Path dir;
  private LoopHarness loop;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
    loop.write("app.py", LoopHarness.app());
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  /** Pushes a first good commit and waits until production serves it. */
  private RevCommit deployFirst() throws Exception {
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");
    assertThat(loop.version()).contains(first.getName());
    return first;
  }

  @Test
  void shellSyntaxQuotesNewlinesAndUnicodeInMessageAndAuthorAreOnlyText() throws Exception {
    deployFirst();
    Path marker = dir.resolve("pwned");
    String subject =
        "fix: $(touch "
            + marker
            + ") `touch "
            + marker
            + "` ; rm -rf / \"quoted\" 'single' \\ 🚀 ünï";
    String message = subject + "\n\nbody line with $HOME and %s %n {{x}} ${commit}\n";
    PersonIdent author =
        new PersonIdent("Bobby\"; touch " + marker + "; echo \"Ünïcødé 名前", "a@b.c");
    loop.write("counter.txt", "1\n");
    RevCommit hostile = loop.commit(message, author);
    loop.push(hostile);

    Outcome outcome = loop.awaitRun(hostile);

    assertProduction(outcome).isEqualTo("deployed");
    assertThat(loop.version()).contains(hostile.getName());
    assertThat(outcome.facts().path("message").asText()).isEqualTo(hostile.getShortMessage());
    assertThat(marker).as("no part of the message or name was run").doesNotExist();
    JsonNode runs = loop.cairn().runs();
    assertThat(runs.get(0).path("commit").asText()).isEqualTo(hostile.getName());
    assertThat(runs.get(0).path("message").asText()).isEqualTo(hostile.getShortMessage());
  }

  @Test
  void aPipelineFileWithErrorsFailsAtValidationWithPositionsAndLeavesProductionAlone()
      throws Exception {
    RevCommit first = deployFirst();
    loop.write(
        "cairn.yml",
        loop.pipeline("0s").replace("  artifact: out/\n", "  artifact: out/\n  imagee: x\n")
            + "    bake: 5s\n");
    RevCommit broken = loop.commit("tiny: a typo in the pipeline file");
    loop.push(broken);

    Outcome outcome = loop.awaitRun(broken);

    assertThat(outcome.status()).isEqualTo("FAILED");
    assertThat(outcome.facts().path("artifact").asText()).as("nothing was built").isEmpty();
    String told =
        String.join("\n", loop.eventsOf(outcome.runId()).stream().map(Event::message).toList());
    String history = String.join("\n", loop.history(outcome.runId()));
    assertThat(told)
        .as("the user is told where the problems are")
        .containsPattern("cairn\\.yml:\\d+:\\d+: [^\\n]*imagee")
        .containsPattern("cairn\\.yml:\\d+:\\d+: [^\\n]*bake");
    assertThat(history)
        .as("and the run's history keeps them")
        .containsPattern("cairn\\.yml:\\d+:\\d+: [^\\n]*imagee");
    assertThat(loop.eventsOf(outcome.runId())).extracting(Event::kind).doesNotContain("switched");
    assertThat(loop.version()).contains(first.getName());
    assertThat(loop.cairn().pipelines().ledger("production").lastGood().orElseThrow().commit())
        .isEqualTo(first.getName());
  }

  @Test
  void aSecretPrintedByABuildStepIsNowhereInLogsEventsRunFactsOrHistory() throws Exception {
    new FileSecretStore(loop.home.resolve("secrets")).put("api-token", SECRET);
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: echo \"token=$API_TOKEN\"\n- run: mkdir -p out && cp app.py out/",
            "API_TOKEN: \"${secrets.api-token}\"",
            "python3 app.py",
            "0s"));
    RevCommit commit = loop.commit("tiny: print the token");
    loop.push(commit);
    loop.start();

    Outcome outcome = loop.awaitRun(commit);

    assertProduction(outcome).isEqualTo("deployed");
    Path buildLog = loop.home.resolve("logs").resolve(outcome.runId() + "-build.log");
    String log = Files.readString(buildLog);
    assertThat(log).as("the step ran and printed, masked").contains("token=***");
    assertThat(log).doesNotContain(SECRET);
    assertThat(loop.eventsOf(outcome.runId()))
        .extracting(Event::message)
        .anySatisfy(m -> assertThat(m).contains("token=***"))
        .noneSatisfy(m -> assertThat(m).contains(SECRET));
    assertThat(
            Files.readString(
                loop.home.resolve("runs").resolve(outcome.runId()).resolve("run.json")))
        .doesNotContain(SECRET);
    assertThat(loop.history(outcome.runId()))
        .isNotEmpty()
        .noneSatisfy(e -> assertThat(e).contains(SECRET));
    assertThat(Json.write(loop.cairn().runs())).doesNotContain(SECRET);
  }

  @Test
  void aSandboxedBuildStepCannotReadCairnsSecretStore() throws Exception {
    new FileSecretStore(loop.home.resolve("secrets")).put("api-token", SECRET);
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    LocalCairn cairn = loop.start();
    assumeThat(cairn.jobs().isolation().sandboxed())
        .as(
            "bubblewrap is not available here (scripts/ensure-packages.sh installs it): build steps"
                + " run unsandboxed, so this test does not apply")
        .isTrue();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");

    Path secretFile = loop.home.resolve("secrets").resolve("api-token").toAbsolutePath();
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: cat "
                + secretFile
                + " > stolen.txt\n- run: mkdir -p out && cp app.py stolen.txt out/",
            "",
            "python3 app.py",
            "0s"));
    RevCommit thief = loop.commit("tiny: read Cairn's secrets");
    loop.push(thief);

    Outcome outcome = loop.awaitRun(thief);

    assertThat(outcome.status()).isEqualTo("FAILED");
    assertThat(outcome.error()).isEqualTo("Cairn.BuildFailed");
    assertThat(loop.workspace(outcome.runId()).resolve("stolen.txt"))
        .satisfiesAnyOf(
            p -> assertThat(p).doesNotExist(),
            p -> assertThat(Files.readString(p)).doesNotContain(SECRET));
    assertThat(loop.version()).contains(first.getName());
  }
}
