package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.loop.RunsView;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn logs RUN [-f]}: a run's build and migration output, a failed release's own output
 * (secrets masked), and why the run failed.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a run's output and, when it failed, why.",
      "Its build and migration output, a failed release's own output (stdout and stderr), then"
          + " the reason (an invalid cairn.yml's problems as cairn.yml:LINE:COL: message); -f"
          + " follows the build until the run ends."
    })
public final class LogsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id (see: cairn runs).")
  String runId;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new output until the run ends.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    Path home = CairnHome.path();
    if (!runId.matches("[A-Za-z0-9._-]+")
        || !Files.isDirectory(home.resolve("runs").resolve(runId))) {
      throw new UserInputException("no run " + runId + " in " + home + " (see: cairn runs)");
    }
    Path logs = home.resolve("logs");
    long[] printed = new long[1];
    Path build = logs.resolve(runId + "-build.log");
    while (true) {
      printed[0] = printFrom(build, printed[0]);
      if (!follow || ended(home)) {
        break;
      }
      Thread.sleep(200); // following a file: poll for new output, like tail -f
    }
    printFrom(build, printed[0]);
    boolean any = Files.exists(build);
    for (Path other : otherLogs(logs)) {
      System.out.println("--- " + title(other));
      printFrom(other, 0);
      any = true;
    }
    JsonNode run = run(home);
    List<String> reason = RunsView.reason(run.get("failure"), Integer.MAX_VALUE);
    if (!reason.isEmpty()) {
      // The reason, after the output: a run whose pipeline file is invalid has only this.
      System.out.println("--- why run " + runId + " failed");
      reason.forEach(System.out::println);
    } else if (!any) {
      System.err.println(
          "cairn: run "
              + runId
              + (run.path("status").asText().equals("RUNNING")
                  ? " has no output yet"
                  : " left no output (" + run.path("status").asText("no status") + ")"));
    }
    return ExitCodes.OK;
  }

  /** The run as {@code cairn runs} shows it (status, failure), or an empty object. */
  private JsonNode run(Path home) {
    for (JsonNode run : RunsCommand.read(home)) {
      if (run.path("id").asText().equals(runId)) {
        return run;
      }
    }
    return Json.object();
  }

  /** A log's heading: what it is, for people. */
  private String title(Path log) {
    String name = log.getFileName().toString().substring(runId.length() + 1);
    if (name.startsWith("release-")) {
      return "release output ("
          + name.substring("release-".length()).replaceFirst("\\.log$", "")
          + ", last lines)";
    }
    if (name.equals("image.log")) {
      return "image build (podman build)";
    }
    return log.getFileName().toString();
  }

  private List<Path> otherLogs(Path logs) throws IOException {
    if (!Files.isDirectory(logs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(logs)) {
      return files
          .filter(
              f ->
                  f.getFileName().toString().equals(runId + "-image.log")
                      || f.getFileName().toString().startsWith(runId + "-migrate")
                      || f.getFileName().toString().startsWith(runId + "-release-"))
          .sorted()
          .toList();
    }
  }

  private boolean ended(Path home) {
    try (SqliteExecutionStore store =
        SqliteExecutionStore.open(home.resolve("engine").resolve("runs.db"))) {
      return store.list().stream()
          .filter(e -> e.name().equals(runId))
          .anyMatch(e -> e.status().isFinal());
    }
  }

  private static long printFrom(Path file, long offset) throws IOException {
    if (!Files.exists(file)) {
      return offset;
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      if (in.length() <= offset) {
        return offset;
      }
      in.seek(offset);
      byte[] bytes = new byte[(int) (in.length() - offset)];
      in.readFully(bytes);
      System.out.print(new String(bytes, StandardCharsets.UTF_8));
      return offset + bytes.length;
    }
  }
}
