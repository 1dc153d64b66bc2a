package dev.cairn.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The recorded ASL conformance corpus: where it is, and its cases. */
final class Corpus {
  /** Features that make a case need JSONata or variables rather than plain JSONPath. */
  private static final List<String> NON_JSONPATH_FEATURES =
      List.of("JSONata", "JSONata-expr", "field:Assign", "mixed-query-language");

  private Corpus() {}

  /**
   * One recorded case.
   *
   * @param name the case's name; its group is the part before the first {@code __}
   * @param file the file it was read from
   * @param json the whole case document
   * @param testState whether it is a TestState API case rather than an execution
   */
  record Case(String name, Path file, JsonNode json, boolean testState) {
    String group() {
      int end = name.indexOf("__");
      return end < 0 ? name : name.substring(0, end);
    }

    List<String> features() {
      List<String> features = new ArrayList<>();
      json.path("features").forEach(f -> features.add(f.asText()));
      return features;
    }

    /** Whether the case needs only JSONPath-mode features (no JSONata, no variables). */
    boolean jsonPathMode() {
      return !testState
          && features().stream()
              .noneMatch(f -> NON_JSONPATH_FEATURES.contains(f) || f.startsWith("jsonata-"));
    }

    /** Whether a TestState case tests a JSONPath state: no JSONata, no variables. */
    boolean testStateJsonPathMode() {
      JsonNode request = json.path("request");
      JsonNode variables = request.path("variables");
      return testState
          && !request.path("definition").toString().contains("JSONata")
          && (variables.isMissingNode() || variables.isEmpty());
    }

    List<String> placeholders() {
      List<String> tokens = new ArrayList<>();
      json.path("placeholders").forEach(p -> tokens.add(p.asText()));
      return tokens;
    }

    JsonNode expected() {
      return json.path("expected");
    }
  }

  /**
   * The corpus directory: the system property {@code cairn.conformance.dir}, else {@code
   * ../shared/asl-conformance} beside the Maven root.
   */
  static Optional<Path> locate() {
    String configured = System.getProperty("cairn.conformance.dir");
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured);
      return Files.isDirectory(dir.resolve("cases")) ? Optional.of(dir) : Optional.empty();
    }
    Path mavenRoot = moduleDir().toAbsolutePath().normalize().getParent();
    List<Path> candidates = new ArrayList<>();
    if (mavenRoot != null && mavenRoot.getParent() != null) {
      candidates.add(mavenRoot.getParent().resolve("shared/asl-conformance"));
    }
    return candidates.stream().filter(dir -> Files.isDirectory(dir.resolve("cases"))).findFirst();
  }

  /** The engine module's directory (surefire runs tests there and tells it as {@code basedir}). */
  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  }

  /** Every case of a kind, sorted by name; only {@code *.json} files are cases. */
  static List<Case> load(Path corpus, boolean testState) {
    Path dir = corpus.resolve(testState ? "teststate-cases" : "cases");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
          .sorted()
          .map(f -> read(f, testState))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Case read(Path file, boolean testState) {
    try {
      // Json.parse keeps decimals exact, so numbers compare by value later.
      JsonNode json = Json.parse(Files.readString(file));
      String fileName = file.getFileName().toString();
      String name =
          json.path("name").asText(fileName.substring(0, fileName.length() - ".json".length()));
      return new Case(name, file, json, testState);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
