package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.file.References;
import dev.cairn.pipeline.file.UnresolvedReferenceException;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.ServiceEndpoint;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the {@code ${...}} references of a build's or a release's variables with the one
 * resolver the validator uses too ({@link References}: {@code ${commit}}, {@code ${environment}},
 * {@code ${artifact}}, {@code ${secrets.NAME}}, {@code ${services.NAME.FIELD}}, {@code $${}), and
 * collects what must be masked in the job's output: every secret the store holds (a step may print
 * a secret it was not given) and every service password.
 */
final class Variables {
  private Variables() {}

  /**
   * Resolved variables and the values to mask.
   *
   * @param env the variables, references resolved
   * @param masked the values to replace by {@code ***} in output
   */
  record Resolved(Map<String, String> env, Set<String> masked) {}

  /**
   * What references resolve to.
   *
   * @param commit the commit
   * @param environment the environment, or null for a build
   * @param artifact the artifact digest, or null before the build
   * @param endpoints the environment's services by name
   */
  record Context(
      String commit, String environment, String artifact, Map<String, ServiceEndpoint> endpoints) {}

  /**
   * Resolves {@code env}.
   *
   * @throws StepFailure {@link CairnError#MISSING_SECRET} for a secret that is not set, {@link
   *     CairnError#INVALID_PIPELINE} for a reference nothing answers
   */
  static Resolved resolve(Map<String, String> env, Context context, SecretStore secrets) {
    Set<String> masked = new HashSet<>(secrets.values());
    context.endpoints().values().stream()
        .map(ServiceEndpoint::password)
        .filter(p -> p != null && !p.isEmpty())
        .forEach(masked::add);
    try {
      Map<String, String> resolved =
          References.resolveAll(
              env,
              expression -> {
                List<String> parts = List.of(expression.split("\\.", -1));
                return switch (parts.get(0)) {
                  case "commit" -> context.commit();
                  case "environment" -> context.environment() == null ? "" : context.environment();
                  case "artifact" -> context.artifact();
                  case References.SECRETS -> secret(secrets, context.environment(), parts, masked);
                  case References.SERVICES -> serviceField(context.endpoints(), parts);
                  default -> null;
                };
              });
      return new Resolved(resolved, masked);
    } catch (UnresolvedReferenceException e) {
      throw new StepFailure(CairnError.INVALID_PIPELINE, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new StepFailure(CairnError.INVALID_PIPELINE, e.getMessage());
    }
  }

  /**
   * A secret as the environment sees it: its own value if one is set for it, else the shared one;
   * never another environment's (a build sees shared values only).
   */
  private static String secret(
      SecretStore secrets, String environment, List<String> parts, Set<String> masked) {
    if (parts.size() != 2) {
      return null;
    }
    String name = parts.get(1);
    java.util.Optional<String> found;
    try {
      found = secrets.forEnvironment(environment, name);
    } catch (IllegalArgumentException e) {
      // A name the application may not use, e.g. one of Cairn's own credentials.
      throw new StepFailure(
          CairnError.INVALID_PIPELINE, "${secrets." + name + "}: " + e.getMessage());
    }
    String value =
        found.orElseThrow(
            () ->
                new StepFailure(
                    CairnError.MISSING_SECRET,
                    "the secret '" + name + "' is not set (cairn secrets set " + name + ")"));
    masked.add(value);
    return value;
  }

  private static String serviceField(Map<String, ServiceEndpoint> endpoints, List<String> parts) {
    if (parts.size() != 3 || !endpoints.containsKey(parts.get(1))) {
      return null;
    }
    ServiceEndpoint e = endpoints.get(parts.get(1));
    return switch (parts.get(2)) {
      case "url" -> e.url();
      case "host" -> e.host();
      case "port" -> String.valueOf(e.port());
      case "user" -> e.user();
      case "password" -> e.password();
      case "database" -> e.database();
      default -> null;
    };
  }
}
