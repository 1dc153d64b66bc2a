package dev.cairn.cli.loop;

import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The environments in promotion order, as the newest validated pipeline file lists them: {@code
 * cairn status} and {@code GET /api/status} show them so, not by name.
 */
public final class PromotionOrder {
  private PromotionOrder() {}

  /**
   * The environments of the newest run's validated pipeline file ({@code
   * CAIRN_HOME/runs/RUN/run.json}), in its order; empty when no run has one.
   */
  public static List<String> of(Path home) {
    Path runs = home.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    List<Path> newestFirst;
    try (Stream<Path> dirs = Files.list(runs)) {
      // Run ids start with their zero-padded number: the newest sorts last.
      newestFirst = dirs.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException e) {
      return List.of();
    }
    for (Path dir : newestFirst) {
      try {
        String text =
            Json.parse(Files.readString(dir.resolve("run.json"))).path("pipelineFile").asText(null);
        if (text != null) {
          return PipelineFileParser.parse("cairn.yml", text).environments().stream()
              .map(EnvironmentSpec::name)
              .toList();
        }
      } catch (IOException | RuntimeException e) {
        // No facts yet, or a file this Cairn cannot read: an older run's file tells the order.
      }
    }
    return List.of();
  }

  /** {@code names} in {@code order}; names it does not have come last, by name. */
  public static List<String> sort(List<String> names, List<String> order) {
    return names.stream()
        .sorted(
            Comparator.<String>comparingInt(
                    n -> order.indexOf(n) < 0 ? Integer.MAX_VALUE : order.indexOf(n))
                .thenComparing(Comparator.naturalOrder()))
        .toList();
  }
}
