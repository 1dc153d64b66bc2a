package dev.cairn.pipeline.file;

import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads an {@code env} mapping ({@code build.env} or an environment's {@code app.env}) and checks
 * every {@code ${...}} reference in its values against what that place can offer.
 */
final class EnvReader extends NodeReader {
  static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,127}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final List<String> POSTGRES_FIELDS =
      List.of("url", "host", "port", "user", "password", "database");
  private static final List<String> REDIS_FIELDS = List.of("url", "host", "port", "password");

  EnvReader(SourceProblems problems) {
    super(problems);
  }

  /**
   * An {@code env} map. {@code services} is null for {@code build.env}, where only secrets and the
   * commit exist.
   */
  Map<String, String> env(
      Node node, String path, Map<String, ServiceSpec> services, String appPath) {
    Map<String, String> env = new LinkedHashMap<>();
    if (node == null || mapping(node, path, "a mapping of variable names to values") == null) {
      return env;
    }
    for (Map.Entry<String, NodeTuple> entry : entries(node, path).entrySet()) {
      String name = entry.getKey();
      Node keyNode = entry.getValue().getKeyNode();
      Node valueNode = entry.getValue().getValueNode();
      if (!ENV_NAME.matcher(name).matches()) {
        problem(
            keyNode,
            path
                + ": invalid variable name '"
                + printable(name)
                + "'; use letters, digits and underscores, not starting with a digit");
        continue;
      }
      if (services != null && name.equals("PORT")) {
        problem(keyNode, path + ": PORT is set by Cairn to the release's private port");
        continue;
      }
      String value = text(valueNode, path + "." + name);
      if (value == null) {
        continue;
      }
      checkReferences((ScalarNode) valueNode, value, path + "." + name, services);
      env.put(name, value);
    }
    return env;
  }

  private void checkReferences(
      ScalarNode node, String value, String path, Map<String, ServiceSpec> services) {
    for (References.Token token : References.tokens(value)) {
      if (token.unterminatedAt() >= 0) {
        int at = token.unterminatedAt();
        problem(
            problems.locate(node, value, at, value.substring(at)),
            path + ": unterminated reference; close it with '}' or write $${ for a literal ${");
      } else if (token.reference() != null) {
        References.Reference ref = token.reference();
        String message = referenceProblem(ref, services);
        if (message != null) {
          problem(problems.locate(node, value, ref.offset(), ref.text()), path + ": " + message);
        }
      }
    }
  }

  /** What is wrong with a reference, or null. */
  private static String referenceProblem(
      References.Reference ref, Map<String, ServiceSpec> services) {
    List<String> parts = ref.parts();
    String text = ref.text();
    String known =
        "expected ${services.NAME.FIELD}, ${secrets.NAME}, ${commit}, ${environment} or"
            + " ${artifact}";
    switch (parts.get(0)) {
      case "commit":
      case "environment":
      case "artifact":
        if (parts.size() != 1) {
          return "unknown reference " + printable(text) + "; " + known;
        }
        if (services == null && !parts.get(0).equals("commit")) {
          return text + " is not available in build.env; it can use ${secrets.NAME} and ${commit}";
        }
        return null;
      case References.SECRETS:
        if (parts.size() != 2 || !SECRET_NAME.matcher(parts.get(1)).matches()) {
          return "invalid secret reference "
              + printable(text)
              + "; expected ${secrets.NAME} with a name of letters, digits, '-' and '_'";
        }
        return null;
      case References.SERVICES:
        if (services == null) {
          return printable(text)
              + " is not available in build.env; it can use ${secrets.NAME} and ${commit}";
        }
        if (parts.size() != 3) {
          return "invalid service reference "
              + printable(text)
              + "; expected ${services.NAME.FIELD}";
        }
        ServiceSpec service = services.get(parts.get(1));
        if (service == null) {
          return "unknown service '"
              + printable(parts.get(1))
              + "' in "
              + printable(text)
              + (services.isEmpty()
                  ? "; this environment declares no services"
                  : "; this environment declares: " + String.join(", ", services.keySet()));
        }
        List<String> fields =
            service.type() == ServiceType.POSTGRES ? POSTGRES_FIELDS : REDIS_FIELDS;
        if (!fields.contains(parts.get(2))) {
          return "unknown field '"
              + printable(parts.get(2))
              + "' in "
              + printable(text)
              + "; a "
              + service.type().name().toLowerCase(Locale.ROOT)
              + " service offers: "
              + String.join(", ", fields);
        }
        return null;
      default:
        return "unknown reference " + printable(text) + "; " + known;
    }
  }
}
