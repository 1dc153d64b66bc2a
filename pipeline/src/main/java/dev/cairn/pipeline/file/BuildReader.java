package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the {@code build} section: its steps, the artifact or the image, the timeout, network and
 * env.
 */
final class BuildReader extends NodeReader {
  static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(30);
  static final List<String> STEP_KEYS = List.of("name", "run", "timeout");
  private static final List<String> BUILD_KEYS =
      List.of("steps", "artifact", "image", "timeout", "network", "env");
  private static final List<String> IMAGE_KEYS = List.of("file", "context");

  private final EnvReader envReader;

  BuildReader(SourceProblems problems, EnvReader env) {
    super(problems);
    this.envReader = env;
  }

  BuildSpec build(Node node) {
    if (node == null || mapping(node, "build", "a mapping") == null) {
      return null;
    }
    Fields f = fields(node, "build", BUILD_KEYS);
    List<StepSpec> steps = steps(f.required("steps"));
    Node imageNode = f.get("image");
    declaresImage = imageNode != null;
    String artifact = null;
    ImageSpec image = null;
    if (imageNode == null) {
      artifact = artifact(f.required("artifact"));
    } else {
      image = image(imageNode);
      if (f.get("artifact") != null) {
        problem(
            f.get("artifact"),
            "build.artifact: a build has either an artifact (releases are processes) or an image"
                + " (releases are containers), not both");
      }
    }
    Duration timeout = duration(f.get("timeout"), "build.timeout", false, DEFAULT_BUILD_TIMEOUT);
    Boolean network = bool(f.get("network"), "build.network", false);
    Map<String, String> env = envReader.env(f.get("env"), "build.env", null, null);
    return new BuildSpec(steps, artifact, timeout, network != null && network, env, image);
  }

  /** Whether the last build read declares {@code image} (even an invalid one). */
  boolean declaresImage() {
    return declaresImage;
  }

  private boolean declaresImage;

  private ImageSpec image(Node node) {
    if (isNull(node)) {
      // `image:` alone: the defaults (a Containerfile or Dockerfile at the workspace's root).
      return new ImageSpec(null, null);
    }
    if (mapping(node, "build.image", "a mapping with keys: file, context") == null) {
      return null;
    }
    Fields f = fields(node, "build.image", IMAGE_KEYS);
    String file = workspacePath(f.get("file"), "build.image.file");
    String context = workspacePath(f.get("context"), "build.image.context");
    return new ImageSpec(file, context);
  }

  private List<StepSpec> steps(Node node) {
    List<StepSpec> steps = new ArrayList<>();
    if (node == null
        || !(sequence(node, "build.steps", "a list of steps") instanceof SequenceNode seq)) {
      return steps;
    }
    if (seq.getValue().isEmpty()) {
      problem(node, "build.steps: expected at least one step");
    }
    Map<String, Node> names = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String path = "build.steps[" + i + "]";
      if (mapping(item, path, "a step (a mapping with keys: name, run, timeout)") == null) {
        continue;
      }
      Fields f = fields(item, path, STEP_KEYS);
      Node nameNode = f.get("name");
      String name = label(nameNode, path + ".name");
      String run = command(f.required("run"), path + ".run");
      Duration timeout = duration(f.get("timeout"), path + ".timeout", false, null);
      if (name != null && nameNode != null) {
        unique(names, name, nameNode, path + ".name", "step name");
      }
      if (name == null && run != null) {
        name = defaultStepName(run);
      }
      steps.add(new StepSpec(name, run, timeout));
    }
    return steps;
  }

  /** Like GitHub Actions: an unnamed step is called after its command's first line. */
  private static String defaultStepName(String run) {
    String first = run.strip().lines().findFirst().orElse("");
    return "Run " + (first.length() > 60 ? first.substring(0, 57) + "..." : first);
  }

  private String artifact(Node node) {
    return workspacePath(node, "build.artifact");
  }

  private String workspacePath(Node node, String path) {
    return relativePath(node, path, "the workspace");
  }
}
