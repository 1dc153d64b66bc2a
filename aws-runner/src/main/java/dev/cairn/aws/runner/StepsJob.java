package dev.cairn.aws.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.batch.BatchJobRequest;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a {@code steps} job runs, as {@link BatchJobRequest#forSteps} hands it over in the
 * container's environment: the steps (JSON in {@value BatchJobRequest#STEPS_VARIABLE}), the
 * variables the steps get (the rest of the environment), and the names of the variables whose
 * values are secrets ({@value BatchJobRequest#SECRET_VARIABLES}), which the runner fills from
 * Secrets Manager.
 *
 * @param steps the steps, in order
 * @param env the steps' variables, without the two above and without the secret ones
 * @param secretVariables the variables to fill from Secrets Manager, each from the secret of the
 *     same name
 * @param handOff for a build handed over by the privileged runner ({@link BuildHandOff}): where its
 *     source is and where its output goes; null for plain steps
 */
public record StepsJob(
    List<StepSpec> steps, Map<String, String> env, List<String> secretVariables, HandOff handOff) {
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The keys of a build's hand-off, as {@link IsolatedBuildExecutor} sets them.
   *
   * @param sourceKey the source (workspace and secret variables) to start from
   * @param uploadKey where the output goes, or null when nothing is read back
   * @param outputPath the output's path relative to the workspace, or null with {@code uploadKey}
   * @param resultKey where the job's result goes (why it failed), or null
   */
  public record HandOff(String sourceKey, String uploadKey, String outputPath, String resultKey) {
    /** Requires the source, and the upload key and the output path together. */
    public HandOff {
      if (sourceKey == null || sourceKey.isBlank()) {
        throw new IllegalArgumentException(BuildHandOff.SOURCE_VARIABLE + " is empty");
      }
      if ((uploadKey == null) != (outputPath == null)) {
        throw new IllegalArgumentException(
            BuildHandOff.UPLOAD_VARIABLE + " and " + BuildHandOff.OUTPUT_VARIABLE + " go together");
      }
    }
  }

  /** Copies the fields. */
  public StepsJob {
    steps = List.copyOf(steps);
    env = Map.copyOf(env);
    secretVariables = List.copyOf(secretVariables);
  }

  /** Plain steps, without a hand-off. */
  public StepsJob(List<StepSpec> steps, Map<String, String> env, List<String> secretVariables) {
    this(steps, env, secretVariables, null);
  }

  /**
   * Reads the job from a container environment.
   *
   * @throws IllegalArgumentException with a message for people when {@value
   *     BatchJobRequest#STEPS_VARIABLE} is missing or is not a non-empty JSON array of {@code
   *     {"name": ..., "run": ...}} objects, or when {@value BatchJobRequest#SECRET_VARIABLES} names
   *     something that is not a variable name
   */
  public static StepsJob fromEnvironment(Map<String, String> environment) {
    String text = environment.get(BatchJobRequest.STEPS_VARIABLE);
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          BatchJobRequest.STEPS_VARIABLE + " is not set: a steps job takes its steps from it");
    }
    JsonNode array;
    try {
      array = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw malformed("it is not JSON");
    }
    if (!array.isArray() || array.isEmpty()) {
      throw malformed("it is not a non-empty array");
    }
    List<StepSpec> steps = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode step = array.get(i);
      String name = step.path("name").asText("");
      String run = step.path("run").asText("");
      if (!step.isObject()
          || !step.path("name").isTextual()
          || !step.path("run").isTextual()
          || name.isBlank()
          || run.isBlank()) {
        throw malformed("step " + (i + 1) + " has no \"name\" and \"run\" text");
      }
      steps.add(new StepSpec(name, run, null));
    }
    List<String> secrets = new ArrayList<>();
    String names = environment.getOrDefault(BatchJobRequest.SECRET_VARIABLES, "");
    for (String name : Arrays.stream(names.split(",")).map(String::strip).toList()) {
      if (name.isEmpty()) {
        continue;
      }
      if (!VARIABLE.matcher(name).matches()) {
        throw new IllegalArgumentException(
            BatchJobRequest.SECRET_VARIABLES + " names '" + name + "', which is not a variable");
      }
      secrets.add(name);
    }
    Map<String, String> env = new HashMap<>(environment);
    env.remove(BatchJobRequest.STEPS_VARIABLE);
    env.remove(BatchJobRequest.SECRET_VARIABLES);
    secrets.forEach(env::remove);
    HandOff handOff = null;
    String source = env.remove(BuildHandOff.SOURCE_VARIABLE);
    String upload = env.remove(BuildHandOff.UPLOAD_VARIABLE);
    String output = env.remove(BuildHandOff.OUTPUT_VARIABLE);
    String result = env.remove(BuildHandOff.RESULT_VARIABLE);
    if (source != null || upload != null || output != null || result != null) {
      handOff = new HandOff(source, upload, output, result);
    }
    return new StepsJob(steps, env, secrets, handOff);
  }

  private static IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException(
        BatchJobRequest.STEPS_VARIABLE
            + " is malformed: "
            + why
            + " (expected a JSON array of {\"name\": ..., \"run\": ...})");
  }

  @Override
  public String toString() {
    // The variables hold no secrets by contract, but a container's environment is long: names.
    return "StepsJob[steps="
        + steps.stream().map(StepSpec::name).toList()
        + ", env="
        + new java.util.TreeSet<>(env.keySet())
        + ", secretVariables="
        + secretVariables
        + (handOff == null ? "" : ", handOff=" + handOff)
        + "]";
  }
}
