package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.file.AwsSpec;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a commit's stack template (for {@link DeployTarget.Stack} environments) from a checkout of
 * the commit: the run's own workspace when this machine has it, else a fresh checkout — on AWS each
 * step runs in its own container, and a rollback deploys the template of the last good commit.
 */
final class StackTemplates {
  private final RuntimePorts ports;

  StackTemplates(RuntimePorts ports) {
    this.ports = ports;
  }

  /**
   * The template at {@code templatePath} in {@code commit}.
   *
   * @param run the run asking (its workspace is used when it holds the commit)
   */
  String template(String run, String commit, String templatePath) {
    Path checkout = checkout(run, commit);
    Path file = checkout.resolve(templatePath).normalize();
    if (!file.startsWith(checkout) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE,
          "commit " + RunFacts.shortId(commit) + " has no stack template at " + templatePath);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE, "the stack template " + templatePath + " cannot be read");
    }
  }

  /**
   * The template an environment was deployed from in {@code commit} (a last good one): the path its
   * own pipeline file names, which may differ from the failing commit's.
   *
   * @param otherwise the path to use when that commit's pipeline file no longer parses or lacks the
   *     environment
   */
  String templateOf(String run, String commit, String environment, String otherwise) {
    Path pipelineFile = checkout(run, commit).resolve(StepSupport.PIPELINE_FILE);
    String path = otherwise;
    try {
      if (Files.isRegularFile(pipelineFile, LinkOption.NOFOLLOW_LINKS)) {
        path =
            PipelineFileParser.parse(
                    StepSupport.PIPELINE_FILE,
                    Files.readString(pipelineFile, StandardCharsets.UTF_8))
                .environment(environment)
                .map(EnvironmentSpec::aws)
                .map(AwsSpec::template)
                .orElse(otherwise);
      }
    } catch (IOException | RuntimeException e) {
      // Deployed before, so it parsed then; a stricter parser since is no reason not to roll back.
    }
    return template(run, commit, path);
  }

  private Path checkout(String run, String commit) {
    Path checkout = ports.workspace(run);
    RunFacts facts = ports.runs().find(run).orElse(null);
    if (facts == null || !commit.equals(facts.commit()) || !Files.isDirectory(checkout)) {
      checkout =
          ports.workDirectory().resolve("templates").resolve(RunFacts.shortId(commit) + "-" + run);
      if (!Files.isDirectory(checkout)) {
        try {
          Files.createDirectories(checkout.getParent());
          ports.requireSource().checkout(commit, checkout);
        } catch (IOException e) {
          throw new StepFailure(
              CairnError.TRANSIENT,
              "commit "
                  + RunFacts.shortId(commit)
                  + " could not be checked out: "
                  + StepFailure.describe(e));
        }
      }
    }
    return checkout;
  }

  /**
   * The parameters a template declares (its {@code Parameters} section's keys): CloudFormation
   * refuses a parameter the template does not declare, so only these are passed. JSON or YAML;
   * YAML's short forms ({@code !Ref}) are fine, tags are not interpreted.
   *
   * @throws StepFailure INVALID_PIPELINE when the template is neither
   */
  static Set<String> declaredParameters(String templatePath, String template) {
    Set<String> names = new LinkedHashSet<>();
    String text = template.strip();
    if (text.startsWith("{")) {
      JsonNode parameters;
      try {
        parameters = Json.parse(text).path("Parameters");
      } catch (IllegalArgumentException e) {
        throw invalid(templatePath, e.getMessage());
      }
      parameters.fieldNames().forEachRemaining(names::add);
      return names;
    }
    Optional<Node> root;
    try {
      root = new Compose(LoadSettings.builder().setLabel(templatePath).build()).composeString(text);
    } catch (YamlEngineException e) {
      throw invalid(templatePath, e.getMessage());
    }
    if (root.isPresent() && root.get() instanceof MappingNode mapping) {
      for (NodeTuple section : mapping.getValue()) {
        if (section.getKeyNode() instanceof ScalarNode key
            && key.getValue().equals("Parameters")
            && section.getValueNode() instanceof MappingNode parameters) {
          for (NodeTuple parameter : parameters.getValue()) {
            if (parameter.getKeyNode() instanceof ScalarNode name) {
              names.add(name.getValue());
            }
          }
        }
      }
      return names;
    }
    throw invalid(templatePath, "expected a mapping (a CloudFormation template)");
  }

  private static StepFailure invalid(String templatePath, String why) {
    String line = why == null ? "" : why.lines().findFirst().orElse("");
    return new StepFailure(
        CairnError.INVALID_PIPELINE,
        "the stack template " + templatePath + " is neither JSON nor YAML: " + line);
  }
}
