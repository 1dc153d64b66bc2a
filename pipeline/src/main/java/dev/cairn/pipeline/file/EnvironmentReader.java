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
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the {@code environments} list: each environment's services, app, migration, health check,
 * bake period, rollback policy and AWS settings, with names and app ports unique across
 * environments.
 */
final class EnvironmentReader extends NodeReader {
  static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration DEFAULT_MIGRATE_TIMEOUT = Duration.ofMinutes(10);
  static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);
  static final int DEFAULT_FAILURE_THRESHOLD = 3;
  static final Duration DEFAULT_BAKE = Duration.ofSeconds(30);

  private static final List<String> ENVIRONMENT_KEYS =
      List.of("name", "services", "app", "migrate", "health", "bake", "rollback", "aws");
  private static final List<String> AWS_KEYS = List.of("template");
  private static final List<String> APP_KEYS = List.of("start", "port", "start-timeout", "env");
  private static final List<String> HEALTH_KEYS =
      List.of("path", "interval", "timeout", "failure-threshold");
  private static final List<String> POSTGRES_KEYS = List.of("type", "database");
  private static final List<String> REDIS_KEYS = List.of("type");
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final EnvReader envReader;
  private final RollbackReader rollbackReader;

  EnvironmentReader(SourceProblems problems, EnvReader envReader, RollbackReader rollbackReader) {
    super(problems);
    this.envReader = envReader;
    this.rollbackReader = rollbackReader;
  }

  /**
   * Reads the environments.
   *
   * @param image whether releases are container images: then {@code app.start} is optional (the
   *     image's own command runs)
   */
  List<EnvironmentSpec> environments(Node node, String appName, boolean image) {
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
      AppSpec app = app(f.required("app"), path + ".app", services, image);
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
      RollbackSpec rollback = rollbackReader.rollback(f.get("rollback"), path + ".rollback");
      AwsSpec aws = aws(f.get("aws"), path + ".aws");
      environments.add(
          new EnvironmentSpec(name, services, app, migrate, health, bake, rollback, aws));
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

  private AppSpec app(Node node, String path, Map<String, ServiceSpec> services, boolean image) {
    if (node == null || mapping(node, path, "a mapping") == null) {
      return null;
    }
    Fields f = fields(node, path, APP_KEYS);
    String start = command(image ? f.get("start") : f.required("start"), path + ".start");
    int port = port(f.required("port"), path + ".port");
    Duration startTimeout =
        duration(f.get("start-timeout"), path + ".start-timeout", false, DEFAULT_START_TIMEOUT);
    Map<String, String> env = envReader.env(f.get("env"), path + ".env", services, path);
    return new AppSpec(start, port, env, startTimeout);
  }

  private StepSpec migrate(Node node, String path) {
    if (node == null || mapping(node, path, "a mapping with keys: name, run, timeout") == null) {
      return null;
    }
    Fields f = fields(node, path, BuildReader.STEP_KEYS);
    String name = label(f.get("name"), path + ".name");
    String run = command(f.required("run"), path + ".run");
    Duration timeout =
        duration(f.get("timeout"), path + ".timeout", false, DEFAULT_MIGRATE_TIMEOUT);
    return new StepSpec(name == null ? "migrate" : name, run, timeout);
  }

  /** The {@code aws} section; its template is a path inside the repository. */
  private AwsSpec aws(Node node, String path) {
    if (node == null || mapping(node, path, "a mapping with keys: template") == null) {
      return AwsSpec.DEFAULTS;
    }
    Fields f = fields(node, path, AWS_KEYS);
    Node template = f.get("template");
    if (template == null) {
      return AwsSpec.DEFAULTS;
    }
    String value = relativePath(template, path + ".template", "the repository");
    return value == null || value.isBlank() ? AwsSpec.DEFAULTS : new AwsSpec(value);
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
}
