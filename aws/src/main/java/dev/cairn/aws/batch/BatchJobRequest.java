package dev.cairn.aws.batch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.JobSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One Batch job to submit with the runner image's job definition.
 *
 * @param jobName the Batch job name (letters, digits, {@code -} and {@code _}, at most 128)
 * @param parameters substitutions for the job definition's {@code Ref::NAME} placeholders (the
 *     state machine passes {@code job}, {@code run} and {@code environment})
 * @param command a container command override, or empty to keep the job definition's
 * @param environment container environment overrides; never secret values (they are visible in the
 *     Batch console and in DescribeJobs): the runner reads secrets from Secrets Manager
 * @param timeout the attempt's time limit (Batch's minimum is 60 s), or null for the definition's
 */
public record BatchJobRequest(
    String jobName,
    Map<String, String> parameters,
    List<String> command,
    Map<String, String> environment,
    Duration timeout) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  /** Environment variable holding the steps (JSON) for {@link #forSteps}. */
  public static final String STEPS_VARIABLE = "CAIRN_JOB_STEPS";

  /**
   * Environment variable listing (comma-separated) the names of variables whose values are secrets
   * and were therefore left out: the runner fills them from Secrets Manager.
   */
  public static final String SECRET_VARIABLES = "CAIRN_SECRET_ENV";

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException for an invalid job name or a timeout under 60 s
   */
  public BatchJobRequest {
    if (jobName == null || !NAME.matcher(jobName).matches()) {
      throw new IllegalArgumentException(
          "Batch job name '"
              + jobName
              + "' is not valid: letters, digits, '-' and '_', at most 128, starting with a"
              + " letter or digit");
    }
    parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
    command = List.copyOf(command == null ? List.of() : command);
    environment = Map.copyOf(environment == null ? Map.of() : environment);
    if (timeout != null && timeout.toSeconds() < 60) {
      throw new IllegalArgumentException("a Batch job's timeout is at least 60 s, not " + timeout);
    }
  }

  /**
   * The default mapping of a {@link JobSpec} onto the runner: job definition parameters {@code
   * job=steps} and {@code run=<spec id>}, the steps as JSON in {@value #STEPS_VARIABLE}, the
   * non-secret environment as is, and the names of the secret-valued variables (those whose value
   * is in {@link JobSpec#masked()}) in {@value #SECRET_VARIABLES} — never their values. The timeout
   * is the spec's, raised to Batch's minimum of 60 s.
   */
  public static BatchJobRequest forSteps(JobSpec spec) {
    ArrayNode steps = Json.array();
    for (StepSpec step : spec.steps()) {
      steps.addObject().put("name", step.name()).put("run", step.run());
    }
    Map<String, String> environment = new TreeMap<>();
    List<String> secretNames = new ArrayList<>();
    for (Map.Entry<String, String> variable : new TreeMap<>(spec.env()).entrySet()) {
      if (spec.masked().contains(variable.getValue())) {
        secretNames.add(variable.getKey());
      } else {
        environment.put(variable.getKey(), variable.getValue());
      }
    }
    environment.put(STEPS_VARIABLE, Json.write(steps));
    if (!secretNames.isEmpty()) {
      environment.put(SECRET_VARIABLES, String.join(",", secretNames));
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("job", "steps");
    parameters.put("run", spec.id());
    parameters.put("environment", "");
    Duration timeout =
        spec.timeout() == null || spec.timeout().toSeconds() < 60
            ? Duration.ofSeconds(60)
            : spec.timeout();
    return new BatchJobRequest(
        "cairn-" + spec.id().replaceAll("[^A-Za-z0-9_-]", "-"),
        parameters,
        List.of(),
        environment,
        timeout);
  }

  @Override
  public String toString() {
    // The environment holds no secrets by contract, but it can be long: names only.
    return "BatchJobRequest["
        + jobName
        + ", parameters="
        + parameters
        + ", command="
        + command
        + ", environment="
        + new TreeMap<>(environment).keySet()
        + ", timeout="
        + Objects.requireNonNullElse(timeout, "definition's")
        + "]";
  }
}
