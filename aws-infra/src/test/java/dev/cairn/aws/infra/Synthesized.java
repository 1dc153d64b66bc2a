package dev.cairn.aws.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * The app, synthesized once per test JVM: jsii starts a Node process and synthesis takes seconds,
 * so every test class shares this one (configured from cairn-aws.example.yml, which compiles the
 * notes example's cairn.yml, plus a second repository).
 */
final class Synthesized {
  static final Path CONFIG = Path.of("cairn-aws.example.yml");

  private static Synthesized instance;

  final CairnAwsConfig config;
  final CairnAwsApp app;
  final Path outDir;

  /** The notes example's template, synthesized in its app of its own as the example carries it. */
  final NotesTemplate notes;

  final long synthMillis;
  private final Map<String, Template> templates = new LinkedHashMap<>();

  private Synthesized() {
    try {
      long start = System.nanoTime();
      config = twoRepositories(CairnAwsConfig.read(CONFIG));
      outDir = Files.createTempDirectory("cairn-cdk-test");
      app = CairnAwsApp.create(config, outDir);
      app.synth();
      notes = NotesTemplate.synth(NotesAppStack.DEFAULT_IMAGE_REPOSITORY, outDir.resolve("notes"));
      synthMillis = (System.nanoTime() - start) / 1_000_000;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The example configuration plus a second repository on another branch, so that one synth also
   * shows what is shared and what is per repository.
   */
  private static CairnAwsConfig twoRepositories(CairnAwsConfig example) {
    RepositoryConfig notes = example.repositories().get(0);
    return new CairnAwsConfig(
        example.prefix(),
        example.imageTag(),
        example.imagesSource(),
        example.imagesSourceRef(),
        example.spot(),
        example.alarmEmail(),
        List.of(
            notes,
            new RepositoryConfig(
                "notes-eu", "your-org/notes-eu", "release", notes.pipelineFile(), null)));
  }

  static synchronized Synthesized get() {
    if (instance == null) {
      instance = new Synthesized();
    }
    return instance;
  }

  /** The CDK assertions template of a stack (built once). */
  synchronized Template template(Stack stack) {
    return templates.computeIfAbsent(stack.getStackName(), n -> Template.fromStack(stack));
  }

  /** Every synthesized stack: the app's and the notes example's. */
  List<Stack> stacks() {
    return List.of(app.images(), app.pipeline(), notes.stack());
  }

  /** The synthesized template file of a stack (of {@link #stacks()}). */
  Path templateFile(Stack stack) {
    Path dir = stack == notes.stack() ? outDir.resolve("notes") : outDir;
    return dir.resolve(stack.getTemplateFile());
  }

  /** The synthesized template file of a stack, as JSON. */
  JsonNode json(Stack stack) {
    try {
      return Json.parse(Files.readString(templateFile(stack)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The resources of a type, by logical id. */
  static Map<String, JsonNode> resources(JsonNode template, String type) {
    Map<String, JsonNode> found = new LinkedHashMap<>();
    template
        .path("Resources")
        .properties()
        .forEach(
            e -> {
              if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
              }
            });
    return found;
  }

  /** The single resource of a type whose logical id starts with {@code prefix}. */
  static Map.Entry<String, JsonNode> one(JsonNode template, String type, String prefix) {
    var matches =
        resources(template, type).entrySet().stream()
            .filter(e -> e.getKey().startsWith(prefix))
            .toList();
    if (matches.size() != 1) {
      throw new AssertionError(
          "expected one " + type + " named " + prefix + "*, found " + matches.size());
    }
    return matches.get(0);
  }
}
