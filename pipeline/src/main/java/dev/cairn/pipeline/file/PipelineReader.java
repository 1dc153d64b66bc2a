package dev.cairn.pipeline.file;

import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Walks the node tree of one pipeline file into a {@link PipelineDefinition}, adding a problem for
 * everything wrong and carrying on, so that one run reports all of them. Only keys the schema knows
 * are descended into, so no alias can make the walk grow beyond the file's schema.
 */
final class PipelineReader {
  static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(30);
  static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration DEFAULT_MIGRATE_TIMEOUT = Duration.ofMinutes(10);
  static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);
  static final int DEFAULT_FAILURE_THRESHOLD = 3;
  static final Duration DEFAULT_BAKE = Duration.ofSeconds(30);

  private static final List<String> TOP_KEYS = List.of("name", "build", "environments", "audit");
  private static final List<String> BUILD_KEYS =
      List.of("steps", "artifact", "timeout", "network", "env");
  private static final List<String> STEP_KEYS = List.of("name", "run", "timeout");
  private static final List<String> ENVIRONMENT_KEYS =
      List.of("name", "services", "app", "migrate", "health", "bake", "rollback");
  private static final List<String> APP_KEYS = List.of("start", "port", "start-timeout", "env");
  private static final List<String> HEALTH_KEYS =
      List.of("path", "interval", "timeout", "failure-threshold");
  private static final List<String> ROLLBACK_KEYS = List.of("automatic", "revert");
  private static final List<String> AUDIT_KEYS = List.of("tags");
  private static final List<String> REVERT_VALUES = List.of("off", "main", "branch");
  private static final List<String> POSTGRES_KEYS = List.of("type", "database");
  private static final List<String> REDIS_KEYS = List.of("type");
  private static final List<String> POSTGRES_FIELDS =
      List.of("url", "host", "port", "user", "password", "database");
  private static final List<String> REDIS_FIELDS = List.of("url", "host", "port", "password");

  static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final String NAME_RULE =
      "lowercase letters, digits and hyphens, starting with a letter, at most 63 characters";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,127}");
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final String fileName;
  private final String source;
  private final List<PipelineProblem> problems;
  private int[] lineStarts;

  PipelineReader(String fileName, String source, List<PipelineProblem> problems) {
    this.fileName = fileName;
    this.source = source;
    this.problems = problems;
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
    BuildSpec build = build(top.required("build"));
    List<EnvironmentSpec> environments =
        environments(top.required("environments"), name == null ? "app" : name);
    AuditSpec audit = audit(top.get("audit"));
    if (!problems.isEmpty()) {
      return null;
    }
    return new PipelineDefinition(name, build, environments, audit);
  }

  // ---- sections

  private BuildSpec build(Node node) {
    if (node == null || mapping(node, "build", "a mapping") == null) {
      return null;
    }
    Fields f = fields(node, "build", BUILD_KEYS);
    List<StepSpec> steps = steps(f.required("steps"));
    String artifact = artifact(f.required("artifact"));
    Duration timeout = duration(f.get("timeout"), "build.timeout", false, DEFAULT_BUILD_TIMEOUT);
    Boolean network = bool(f.get("network"), "build.network", false);
    Map<String, String> env = env(f.get("env"), "build.env", null, null);
    return new BuildSpec(steps, artifact, timeout, network != null && network, env);
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
    String path = "build.artifact";
    String value = text(node, path);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      problem(node, path + ": must not be empty");
    } else if (value.startsWith("/")) {
      problem(node, path + ": must be a path relative to the workspace, found '" + value + "'");
    } else if (List.of(value.split("/")).contains("..")) {
      problem(node, path + ": must stay inside the workspace ('..' is not allowed)");
    } else if (hasControl(value) || value.contains("\\")) {
      problem(node, path + ": must not contain control characters or backslashes");
    }
    return value;
  }

  private List<EnvironmentSpec> environments(Node node, String appName) {
    List<EnvironmentSpec> environments = new ArrayList<>();
    if (node == null
        || !(sequence(node, "environments", "a list of environments")
            instanceof SequenceNode seq)) {
      return environments;
    }
    if (seq.getValue().isEmpty()) {
      problem(node, "environments: expected at least one environment");
    }
    Map<String, Node> names = new HashMap<>();
    Map<Integer, String> ports = new HashMap<>();
    Map<Integer, Node> portNodes = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String path = "environments[" + i + "]";
      if (mapping(item, path, "an environment (a mapping)") == null) {
        continue;
      }
      Fields f = fields(item, path, ENVIRONMENT_KEYS);
      Node nameNode = f.required("name");
      String name = name(nameNode, path + ".name", "environment name");
      if (name != null) {
        unique(names, name, nameNode, path + ".name", "environment name");
      }
      Map<String, ServiceSpec> services = services(f.get("services"), path + ".services", appName);
      AppSpec app = app(f.required("app"), path + ".app", services);
      if (app != null && app.port() > 0) {
        Node portNode = appPortNode(f.get("app"));
        String other = ports.putIfAbsent(app.port(), name == null ? "#" + i : name);
        if (other != null) {
          problem(
              portNode,
              path
                  + ".app.port: port "
                  + app.port()
                  + " is already used by environment '"
                  + other
                  + "' (line "
                  + line(portNodes.get(app.port()))
                  + ")");
        } else {
          portNodes.put(app.port(), portNode);
        }
      }
      StepSpec migrate = migrate(f.get("migrate"), path + ".migrate");
      HealthSpec health = health(f.required("health"), path + ".health");
      Duration bake = duration(f.get("bake"), path + ".bake", true, DEFAULT_BAKE);
      RollbackSpec rollback = rollback(f.get("rollback"), path + ".rollback");
      environments.add(new EnvironmentSpec(name, services, app, migrate, health, bake, rollback));
    }
    return environments;
  }

  private static Node appPortNode(Node app) {
    if (app instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("port")) {
          return t.getValueNode();
        }
      }
    }
    return app;
  }

  private Map<String, ServiceSpec> services(Node node, String path, String appName) {
    Map<String, ServiceSpec> services = new LinkedHashMap<>();
    if (node == null || mapping(node, path, "a mapping of service names to services") == null) {
      return services;
    }
    for (Map.Entry<String, NodeTuple> entry : entries(node, path).entrySet()) {
      String serviceName = entry.getKey();
      Node keyNode = entry.getValue().getKeyNode();
      Node value = entry.getValue().getValueNode();
      String servicePath = path + "." + serviceName;
      if (!NAME.matcher(serviceName).matches()) {
        problem(
            keyNode,
            path + ": invalid service name '" + printable(serviceName) + "'; use " + NAME_RULE);
        continue;
      }
      if (mapping(value, servicePath, "a service (a mapping with a type)") == null) {
        continue;
      }
      ServiceType type = serviceType(value, servicePath);
      List<String> allowed =
          type == null
              ? POSTGRES_KEYS
              : switch (type) {
                case POSTGRES -> POSTGRES_KEYS;
                case REDIS -> REDIS_KEYS;
              };
      Fields f = fields(value, servicePath, allowed);
      f.required("type");
      Map<String, String> settings = new LinkedHashMap<>();
      if (type == ServiceType.POSTGRES) {
        Node database = f.get("database");
        String db =
            database == null
                ? appName.replace('-', '_')
                : text(database, servicePath + ".database");
        if (db != null && !DATABASE.matcher(db).matches()) {
          problem(
              database,
              servicePath
                  + ".database: invalid database name '"
                  + printable(db)
                  + "'; use lowercase letters, digits and underscores, starting with a letter or"
                  + " underscore, at most 63 characters");
        }
        if (db != null) {
          settings.put("database", db);
        }
      }
      if (type != null) {
        services.put(serviceName, new ServiceSpec(serviceName, type, settings));
      }
    }
    return services;
  }

  private ServiceType serviceType(Node service, String path) {
    for (NodeTuple t : ((MappingNode) service).getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("type")) {
        String value = text(t.getValueNode(), path + ".type");
        if (value == null) {
          return null;
        }
        for (ServiceType type : ServiceType.values()) {
          if (type.name().toLowerCase(Locale.ROOT).equals(value)) {
            return type;
          }
        }
        problem(
            t.getValueNode(),
            path
                + ".type: unknown service type '"
                + printable(value)
                + "'; expected one of: postgres, redis");
        return null;
      }
    }
    return null;
  }

  private AppSpec app(Node node, String path, Map<String, ServiceSpec> services) {
    if (node == null || mapping(node, path, "a mapping") == null) {
      return null;
    }
    Fields f = fields(node, path, APP_KEYS);
    String start = command(f.required("start"), path + ".start");
    int port = port(f.required("port"), path + ".port");
    Duration startTimeout =
        duration(f.get("start-timeout"), path + ".start-timeout", false, DEFAULT_START_TIMEOUT);
    Map<String, String> env = env(f.get("env"), path + ".env", services, path);
    return new AppSpec(start, port, env, startTimeout);
  }

  private StepSpec migrate(Node node, String path) {
    if (node == null || mapping(node, path, "a mapping with keys: name, run, timeout") == null) {
      return null;
    }
    Fields f = fields(node, path, STEP_KEYS);
    String name = label(f.get("name"), path + ".name");
    String run = command(f.required("run"), path + ".run");
    Duration timeout =
        duration(f.get("timeout"), path + ".timeout", false, DEFAULT_MIGRATE_TIMEOUT);
    return new StepSpec(name == null ? "migrate" : name, run, timeout);
  }

  private HealthSpec health(Node node, String path) {
    if (node == null || mapping(node, path, "a mapping") == null) {
      return null;
    }
    Fields f = fields(node, path, HEALTH_KEYS);
    Node pathNode = f.required("path");
    String httpPath = text(pathNode, path + ".path");
    if (httpPath != null
        && (!httpPath.startsWith("/")
            || httpPath.chars().anyMatch(c -> c <= ' ' || c == 0x7f)
            || httpPath.length() > 2048)) {
      problem(
          pathNode,
          path
              + ".path: expected an HTTP path starting with '/' and without spaces, found '"
              + printable(httpPath)
              + "'");
    }
    Duration interval =
        duration(f.get("interval"), path + ".interval", false, DEFAULT_HEALTH_INTERVAL);
    Duration timeout = duration(f.get("timeout"), path + ".timeout", false, DEFAULT_HEALTH_TIMEOUT);
    int threshold = DEFAULT_FAILURE_THRESHOLD;
    Node thresholdNode = f.get("failure-threshold");
    if (thresholdNode != null) {
      BigInteger value =
          integer(thresholdNode, path + ".failure-threshold", "a whole number of at least 1");
      if (value != null) {
        if (value.signum() <= 0 || value.bitLength() > 31) {
          problem(
              thresholdNode,
              path + ".failure-threshold: expected a whole number of at least 1, found " + value);
        } else {
          threshold = value.intValue();
        }
      }
    }
    return new HealthSpec(httpPath, interval, timeout, threshold);
  }

  private RollbackSpec rollback(Node node, String path) {
    if (node == null) {
      return new RollbackSpec(true);
    }
    if (mapping(node, path, "a mapping with keys: automatic, revert") == null) {
      return null;
    }
    Fields f = fields(node, path, ROLLBACK_KEYS);
    Boolean automatic = bool(f.get("automatic"), path + ".automatic", true);
    return new RollbackSpec(automatic == null || automatic, revert(f.get("revert"), path));
  }

  private RollbackSpec.Revert revert(Node node, String path) {
    if (node == null || isNull(node)) {
      return RollbackSpec.Revert.OFF;
    }
    // YAML 1.2 core schema: a bare off is the string "off", not a boolean.
    String value =
        node instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag())
            ? scalar.getValue()
            : null;
    if (value == null || !REVERT_VALUES.contains(value)) {
      problem(
          node,
          path
              + ".revert: expected one of "
              + String.join(", ", REVERT_VALUES)
              + ", found "
              + found(node));
      return RollbackSpec.Revert.OFF;
    }
    return RollbackSpec.Revert.valueOf(value.toUpperCase(Locale.ROOT));
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

  // ---- env and references

  /**
   * An {@code env} map. {@code services} is null for {@code build.env}, where only secrets and the
   * commit exist.
   */
  private Map<String, String> env(
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
            locate(node, value, at, value.substring(at)),
            path + ": unterminated reference; close it with '}' or write $${ for a literal ${");
      } else if (token.reference() != null) {
        References.Reference ref = token.reference();
        String message = referenceProblem(ref, services);
        if (message != null) {
          problem(locate(node, value, ref.offset(), ref.text()), path + ": " + message);
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

  /**
   * Where a piece of a scalar's value is in the file. The value may differ from the source (quotes,
   * escapes, folding), so the n-th occurrence of the piece in the value is matched with the n-th
   * occurrence in the scalar's source text; when that fails, the scalar's start is the place.
   */
  private int[] locate(ScalarNode node, String value, int offset, String piece) {
    Optional<Mark> start = node.getStartMark();
    Optional<Mark> end = node.getEndMark();
    if (start.isEmpty() || end.isEmpty()) {
      return position(node);
    }
    int occurrence = 0;
    for (int i = value.indexOf(piece); i >= 0 && i < offset; i = value.indexOf(piece, i + 1)) {
      occurrence++;
    }
    int from = charIndex(start.get().getIndex());
    int to = charIndex(end.get().getIndex());
    if (from < 0 || to < from) {
      return position(node);
    }
    String raw = source.substring(from, to);
    int found = raw.indexOf(piece);
    while (found >= 0 && occurrence > 0) {
      found = raw.indexOf(piece, found + 1);
      occurrence--;
    }
    return found < 0 ? position(node) : lineColumn(from + found);
  }

  private int charIndex(int codePointIndex) {
    try {
      return source.offsetByCodePoints(0, codePointIndex);
    } catch (IndexOutOfBoundsException e) {
      return -1;
    }
  }

  private int[] lineColumn(int charIndex) {
    if (lineStarts == null) {
      List<Integer> starts = new ArrayList<>(List.of(0));
      for (int i = 0; i < source.length(); i++) {
        char c = source.charAt(i);
        if (c == '\n'
            || (c == '\r' && (i + 1 >= source.length() || source.charAt(i + 1) != '\n'))) {
          starts.add(i + 1);
        }
      }
      lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }
    int line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= charIndex) {
      line++;
    }
    return new int[] {line + 1, source.codePointCount(lineStarts[line], charIndex) + 1};
  }

  // ---- mappings

  /** The known keys of a mapping, with unknown and duplicate keys reported. */
  private final class Fields {
    private final Node node;
    private final String path;
    private final Map<String, Node> values = new LinkedHashMap<>();

    Fields(Node node, String path) {
      this.node = node;
      this.path = path;
    }

    Node get(String key) {
      return values.get(key);
    }

    /** The key's value node; null (and a problem) when the key is missing. */
    Node required(String key) {
      if (!values.containsKey(key)) {
        problem(node, "missing required key '" + key + "' " + where(path));
        return null;
      }
      return values.get(key);
    }
  }

  private Fields fields(Node node, String path, List<String> allowed) {
    Fields fields = new Fields(node, path);
    for (Map.Entry<String, NodeTuple> entry : entries(node, path).entrySet()) {
      String key = entry.getKey();
      if (!allowed.contains(key)) {
        problem(
            entry.getValue().getKeyNode(),
            "unknown key '"
                + printable(key)
                + "' "
                + where(path)
                + "; expected one of: "
                + String.join(", ", allowed));
      } else {
        fields.values.put(key, entry.getValue().getValueNode());
      }
    }
    return fields;
  }

  /** A mapping's entries by key, with duplicate and non-text keys reported (and left out). */
  private Map<String, NodeTuple> entries(Node node, String path) {
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode key) || isNull(keyNode) || !isPlainType(key)) {
        problem(keyNode, "keys must be plain words " + where(path) + ", found " + found(keyNode));
        continue;
      }
      NodeTuple first = entries.putIfAbsent(key.getValue(), tuple);
      if (first != null) {
        problem(
            keyNode,
            "duplicate key '"
                + printable(key.getValue())
                + "' "
                + where(path)
                + "; first defined at line "
                + line(first.getKeyNode()));
      }
    }
    return entries;
  }

  private static String where(String path) {
    return path.isEmpty() ? "at the top level" : "in " + path;
  }

  // ---- values

  private Node mapping(Node node, String path, String expected) {
    if (node instanceof MappingNode) {
      return node;
    }
    problem(node, path + ": expected " + expected + ", found " + found(node));
    return null;
  }

  private Node sequence(Node node, String path, String expected) {
    if (node instanceof SequenceNode) {
      return node;
    }
    problem(node, path + ": expected " + expected + ", found " + found(node));
    return null;
  }

  /**
   * A scalar's text: strings, and numbers or booleans as written. Null (and a problem) otherwise.
   */
  private String text(Node node, String path) {
    if (node instanceof ScalarNode scalar && !isNull(node) && isPlainType(scalar)) {
      return scalar.getValue();
    }
    if (node != null) {
      problem(node, path + ": expected text, found " + found(node));
    }
    return null;
  }

  /** A shell command: non-blank text. */
  private String command(Node node, String path) {
    String value = text(node, path);
    if (value != null && value.isBlank()) {
      problem(node, path + ": must not be empty");
    }
    return value;
  }

  /** A step's display name: one line of text. */
  private String label(Node node, String path) {
    if (node == null) {
      return null;
    }
    String value = text(node, path);
    if (value != null && (value.isBlank() || hasControl(value) || value.length() > 100)) {
      problem(node, path + ": expected one line of text (at most 100 characters)");
    }
    return value;
  }

  /** An identifier (application, environment or service name). */
  private String name(Node node, String path, String what) {
    if (node == null) {
      return null;
    }
    String value = text(node, path);
    if (value == null) {
      return null;
    }
    if (!NAME.matcher(value).matches()) {
      problem(node, path + ": invalid " + what + " '" + printable(value) + "'; use " + NAME_RULE);
      return null;
    }
    return value;
  }

  private void unique(Map<String, Node> seen, String name, Node node, String path, String what) {
    Node first = seen.putIfAbsent(name, node);
    if (first != null) {
      problem(
          node,
          path
              + ": duplicate "
              + what
              + " '"
              + printable(name)
              + "'; first declared at line "
              + line(first));
    }
  }

  private Boolean bool(Node node, String path, boolean fallback) {
    if (node == null) {
      return fallback;
    }
    if (node instanceof ScalarNode && Tag.BOOL.equals(node.getTag())) {
      return Boolean.parseBoolean(((ScalarNode) node).getValue().toLowerCase(Locale.ROOT));
    }
    problem(node, path + ": expected true or false, found " + found(node));
    return null;
  }

  private BigInteger integer(Node node, String path, String expected) {
    if (node instanceof ScalarNode scalar
        && Tag.INT.equals(node.getTag())
        && DIGITS.matcher(scalar.getValue().replaceFirst("^[-+]", "")).matches()) {
      return new BigInteger(scalar.getValue());
    }
    problem(node, path + ": expected " + expected + ", found " + found(node));
    return null;
  }

  private int port(Node node, String path) {
    if (node == null) {
      return 0;
    }
    BigInteger value = integer(node, path, "a port number between 1 and 65535");
    if (value == null) {
      return 0;
    }
    if (value.signum() <= 0 || value.compareTo(BigInteger.valueOf(65535)) > 0) {
      problem(node, path + ": expected a port number between 1 and 65535, found " + value);
      return 0;
    }
    return value.intValue();
  }

  private Duration duration(Node node, String path, boolean zeroAllowed, Duration fallback) {
    if (node == null) {
      return fallback;
    }
    String expected = "a duration such as 500ms, 90s, 10m, 1h or 1h30m";
    if (!(node instanceof ScalarNode scalar) || isNull(node) || !isPlainType(scalar)) {
      problem(node, path + ": expected " + expected + ", found " + found(node));
      return fallback;
    }
    Optional<Duration> parsed = Durations.parse(scalar.getValue());
    if (parsed.isEmpty()) {
      problem(node, path + ": expected " + expected + ", found " + found(node));
      return fallback;
    }
    if (!zeroAllowed && parsed.get().isZero()) {
      problem(node, path + ": must be longer than 0s");
      return fallback;
    }
    return parsed.get();
  }

  // ---- helpers

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  private static boolean isPlainType(ScalarNode node) {
    Tag tag = node.getTag();
    // ENV_TAG is what the schema gives a plain ${NAME}: here it is text like any other, never
    // looked up in Cairn's own environment.
    return Tag.STR.equals(tag)
        || Tag.ENV_TAG.equals(tag)
        || Tag.INT.equals(tag)
        || Tag.FLOAT.equals(tag)
        || Tag.BOOL.equals(tag);
  }

  private static boolean hasControl(String value) {
    return value.chars().anyMatch(c -> c < ' ' || c == 0x7f);
  }

  /** What a node is, for "found ..." in messages. */
  private static String found(Node node) {
    if (node == null) {
      return "nothing";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode scalar = (ScalarNode) node;
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return "nothing";
    }
    if (Tag.STR.equals(tag) || Tag.ENV_TAG.equals(tag)) {
      return "'" + printable(scalar.getValue()) + "'";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag)) {
      return printable(scalar.getValue());
    }
    String name = tag.getValue();
    if (name.startsWith(Tag.PREFIX)) {
      name = "!!" + name.substring(Tag.PREFIX.length());
    }
    return "a value tagged " + printable(name);
  }

  /** A value fit for a one-line message: control characters escaped, long values shortened. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(60)
        .forEach(
            c -> {
              if (c == '\n') {
                out.append("\\n");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    if (value.codePointCount(0, value.length()) > 60) {
      out.append("...");
    }
    return out.toString();
  }

  private static int line(Node node) {
    return node == null ? 1 : node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  private static int[] position(Node node) {
    return node == null
        ? new int[] {1, 1}
        : node.getStartMark()
            .map(m -> new int[] {m.getLine() + 1, m.getColumn() + 1})
            .orElse(new int[] {1, 1});
  }

  private void problem(Node node, String message) {
    problem(position(node), message);
  }

  private void problem(int[] position, String message) {
    problems.add(new PipelineProblem(fileName, position[0], position[1], message));
  }
}
