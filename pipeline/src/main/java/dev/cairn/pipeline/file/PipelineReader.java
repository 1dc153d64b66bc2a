package dev.cairn.pipeline.file;

import java.util.List;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Walks the node tree of one pipeline file into a {@link PipelineDefinition}, adding a problem for
 * everything wrong and carrying on, so that one run reports all of them. Only keys the schema knows
 * are descended into, so no alias can make the walk grow beyond the file's schema.
 *
 * <p>Each section has its own reader ({@link BuildReader}, {@link EnvironmentReader} with {@link
 * RollbackReader}, {@link EnvReader} for env maps and their references); they share one {@link
 * SourceProblems} list and the value readers of {@link NodeReader}.
 */
final class PipelineReader extends NodeReader {
  private static final List<String> TOP_KEYS = List.of("name", "build", "environments", "audit");
  private static final List<String> AUDIT_KEYS = List.of("tags");

  private final BuildReader buildReader;
  private final EnvironmentReader environmentReader;

  PipelineReader(String fileName, String source, List<PipelineProblem> problems) {
    super(new SourceProblems(fileName, source, problems));
    EnvReader env = new EnvReader(this.problems);
    this.buildReader = new BuildReader(this.problems, env);
    this.environmentReader =
        new EnvironmentReader(this.problems, env, new RollbackReader(this.problems));
  }

  /** Reads the whole file; returns null when problems were found. */
  PipelineDefinition read(Node root) {
    if (root == null || isNull(root)) {
      problem(
          root,
          "the file is empty; a pipeline file is a mapping with keys: "
              + String.join(", ", TOP_KEYS));
      return null;
    }
    if (!(root instanceof MappingNode)) {
      problem(
          root,
          "expected a mapping with keys "
              + String.join(", ", TOP_KEYS)
              + " at the top level, found "
              + found(root));
      return null;
    }
    Fields top = fields(root, "", TOP_KEYS);
    String name = name(top.required("name"), "name", "application name");
    BuildSpec build = buildReader.build(top.required("build"));
    List<EnvironmentSpec> environments =
        environmentReader.environments(
            top.required("environments"), name == null ? "app" : name, buildReader.declaresImage());
    AuditSpec audit = audit(top.get("audit"));
    if (!problems.isEmpty()) {
      return null;
    }
    return new PipelineDefinition(name, build, environments, audit);
  }

  private AuditSpec audit(Node node) {
    if (node == null || isNull(node)) {
      return AuditSpec.DEFAULT;
    }
    if (mapping(node, "audit", "a mapping with key: tags") == null) {
      return AuditSpec.DEFAULT;
    }
    Fields f = fields(node, "audit", AUDIT_KEYS);
    Boolean tags = bool(f.get("tags"), "audit.tags", false);
    return new AuditSpec(tags != null && tags);
  }
}
