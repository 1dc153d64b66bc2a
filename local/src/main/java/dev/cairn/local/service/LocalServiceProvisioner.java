package dev.cairn.local.service;

import dev.cairn.pipeline.file.ServiceSpec;
import dev.cairn.pipeline.file.ServiceSpec.ServiceType;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.ServiceEndpoint;
import dev.cairn.pipeline.port.ServiceProvisioner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Provisions PostgreSQL and Redis from the machine's binaries, one server per environment and
 * service, with data under {@code ROOT/ENV/NAME} (e.g. {@code CAIRN_HOME/services/prod/db}).
 *
 * <p>PostgreSQL: the first {@link #ensure} runs initdb (superuser {@code postgres}, password logins
 * over TCP on 127.0.0.1 only), chooses a free port once (kept in {@code service.json}), starts the
 * server with {@code pg_ctl} (it runs detached and outlives Cairn) and creates the application's
 * user (setting {@code user}, default the service name) and database (setting {@code database},
 * default the service name). Later calls adopt the running server or start it again. Passwords are
 * generated into the secret store as {@code services.ENV.NAME.password} (the application's) and
 * {@code services.ENV.NAME.superuser-password}.
 *
 * <p>PostgreSQL refuses to run as root. When Cairn runs as root, initdb and pg_ctl run as the
 * {@code postgres} user (via {@code setpriv}, else {@code runuser}), the service directories are
 * given to that user, and the directories from the root down get the traverse permission for
 * others; the directories above the root must already be traversable (so not {@code /root}).
 *
 * <p>Redis: only when {@code redis-server} is installed; password {@code
 * services.ENV.NAME.password}; endpoint without user.
 */
public final class LocalServiceProvisioner implements ServiceProvisioner {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

  private final Path root;
  private final SecretStore secrets;
  private final Optional<PostgresBinaries> postgres;
  private final Optional<Path> redisServer;
  private final Duration startTimeout;
  private final Map<String, Runnable> stoppers = new LinkedHashMap<>();
  private final Map<String, Supervised> supervised = new LinkedHashMap<>();

  /** A server this provisioner ensured: how to tell it runs and how to start it again. */
  private record Supervised(String label, BooleanSupplier alive, Runnable start) {}

  /**
   * What {@link #restartStopped} did for one service.
   *
   * @param service the service, e.g. {@code PostgreSQL service db of production}
   * @param error why it could not be started again, or empty when it was
   */
  public record Restart(String service, Optional<String> error) {}

  private LocalServiceProvisioner(Builder builder) {
    this.root = builder.root.toAbsolutePath().normalize();
    this.secrets = builder.secrets;
    this.postgres =
        builder.postgresBin != null
            ? Optional.of(new PostgresBinaries(builder.postgresBin))
            : PostgresBinaries.newestUnder(PostgresBinaries.DEFAULT_BASE);
    this.redisServer =
        builder.redisServer != null ? Optional.of(builder.redisServer) : onPath("redis-server");
    this.startTimeout = builder.startTimeout;
  }

  /**
   * A provisioner with defaults: the newest PostgreSQL under {@code /usr/lib/postgresql/*}/bin,
   * {@code redis-server} from PATH.
   *
   * @param root the directory holding every service's data (e.g. {@code CAIRN_HOME/services})
   * @param secrets where generated passwords are kept
   */
  public LocalServiceProvisioner(Path root, SecretStore secrets) {
    this(builder(root, secrets));
  }

  /**
   * A builder.
   *
   * @param root the directory holding every service's data (e.g. {@code CAIRN_HOME/services})
   * @param secrets where generated passwords are kept
   */
  public static Builder builder(Path root, SecretStore secrets) {
    return new Builder(root, secrets);
  }

  /** Builds a {@link LocalServiceProvisioner}. */
  public static final class Builder {
    private final Path root;
    private final SecretStore secrets;
    private Path postgresBin;
    private Path redisServer;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(Path root, SecretStore secrets) {
      this.root = Objects.requireNonNull(root);
      this.secrets = Objects.requireNonNull(secrets);
    }

    /** The PostgreSQL {@code bin} directory to use instead of the newest installed one. */
    public Builder postgresBin(Path bin) {
      this.postgresBin = bin;
      return this;
    }

    /** The {@code redis-server} executable to use instead of the one on PATH. */
    public Builder redisServer(Path executable) {
      this.redisServer = executable;
      return this;
    }

    /** How long a server may take to start or stop. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** The provisioner. */
    public LocalServiceProvisioner build() {
      return new LocalServiceProvisioner(this);
    }
  }

  @Override
  public synchronized ServiceEndpoint ensure(String environment, ServiceSpec service) {
    check("environment", environment, NAME);
    check("service", service.name(), NAME);
    String prefix = "services." + environment + "." + service.name() + ".";
    String key = environment + "/" + service.name();
    return switch (service.type()) {
      case POSTGRES -> {
        PostgresBinaries bin =
            postgres
                .filter(b -> PostgresBinaries.complete(b.bin()))
                .orElseThrow(
                    () ->
                        new ServiceProvisioningException(
                            "PostgreSQL server binaries (initdb, pg_ctl, pg_isready, psql) were not"
                                + " found in "
                                + postgres
                                    .map(b -> b.bin().toString())
                                    .orElse(PostgresBinaries.DEFAULT_BASE + "/*/bin")
                                + "; install the PostgreSQL server package (e.g."
                                + " postgresql-15) or configure its bin directory"));
        String user = service.settings().getOrDefault("user", service.name());
        String database = service.settings().getOrDefault("database", service.name());
        check("user", user, SQL_NAME);
        check("database", database, SQL_NAME);
        String superPassword = secrets.getOrGenerate(prefix + "superuser-password");
        String password = secrets.getOrGenerate(prefix + "password");
        PostgresInstance instance =
            new PostgresInstance(
                bin,
                root,
                environment,
                service.name(),
                superPassword,
                secrets.values(),
                startTimeout);
        instance.ensureRunning();
        stoppers.put(key, instance::stop);
        supervised.put(
            key, new Supervised(instance.label(), instance::alive, instance::ensureRunning));
        instance.ensureDatabase(user, password, database);
        yield instance.endpoint(user, password, database);
      }
      case REDIS -> {
        Path server =
            redisServer
                .filter(Files::isExecutable)
                .orElseThrow(
                    () ->
                        new ServiceProvisioningException(
                            "Redis is not installed: redis-server was not found"
                                + redisServer.map(p -> " at " + p).orElse(" on PATH")
                                + "; install the package redis-server (apt-get install"
                                + " redis-server) to provision service "
                                + service.name()));
        String password = secrets.getOrGenerate(prefix + "password");
        RedisInstance instance =
            new RedisInstance(
                server,
                root,
                environment,
                service.name(),
                password,
                secrets.values(),
                startTimeout);
        instance.ensureRunning();
        stoppers.put(key, instance::stop);
        supervised.put(
            key, new Supervised(instance.label(), instance::alive, instance::ensureRunning));
        yield instance.endpoint();
      }
    };
  }

  /**
   * Starts again, with their data, the services this provisioner ensured whose server process is
   * gone (killed, crashed): what supervision calls periodically. A cheap check when all run.
   *
   * @return one entry per service found stopped
   */
  public synchronized List<Restart> restartStopped() {
    List<Restart> restarts = new ArrayList<>();
    for (Supervised service : supervised.values()) {
      if (service.alive().getAsBoolean()) {
        continue;
      }
      try {
        service.start().run();
        restarts.add(new Restart(service.label(), Optional.empty()));
      } catch (RuntimeException e) {
        restarts.add(new Restart(service.label(), Optional.of(String.valueOf(e.getMessage()))));
      }
    }
    return restarts;
  }

  /**
   * Stops every service under the root (data is kept): those this provisioner ensured, whether it
   * started or adopted them, and those a previous Cairn process left running that this one has not
   * ensured yet (a new {@code serve} knows an environment's services only once it checks the live
   * release, so stopping right after a start would otherwise leave them running).
   */
  @Override
  public synchronized void stopAll() {
    List<RuntimeException> failures = new ArrayList<>();
    Map<String, Runnable> all = new LinkedHashMap<>(stoppers);
    found().forEach(all::putIfAbsent);
    for (Runnable stopper : all.values()) {
      try {
        stopper.run();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    stoppers.clear();
    supervised.clear();
    if (!failures.isEmpty()) {
      ServiceProvisioningException error =
          new ServiceProvisioningException(
              failures.size() + " service(s) did not stop: " + failures.getFirst().getMessage());
      failures.forEach(error::addSuppressed);
      throw error;
    }
  }

  /** How to stop each service whose directory ({@code ROOT/ENV/NAME/service.json}) exists. */
  private Map<String, Runnable> found() {
    Map<String, Runnable> found = new LinkedHashMap<>();
    try (var environments = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path environment : environments) {
        try (var services = Files.newDirectoryStream(environment, Files::isDirectory)) {
          for (Path service : services) {
            Path file = service.resolve("service.json");
            String env = environment.getFileName().toString();
            String name = service.getFileName().toString();
            if (!Files.isRegularFile(file)
                || !NAME.matcher(env).matches()
                || !NAME.matcher(name).matches()) {
              continue;
            }
            stopperOf(ServiceState.typeOf(file), env, name)
                .ifPresent(stop -> found.put(env + "/" + name, stop));
          }
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // No service was ever provisioned.
    } catch (java.io.IOException e) {
      throw new ServiceProvisioningException("cannot list " + root + ": " + e.getMessage(), e);
    }
    return found;
  }

  private Optional<Runnable> stopperOf(ServiceType type, String environment, String name) {
    // Stopping needs no password: an empty one stands in, it is never used.
    return switch (type) {
      case POSTGRES ->
          postgres
              .filter(b -> PostgresBinaries.complete(b.bin()))
              .map(
                  bin ->
                      new PostgresInstance(
                              bin, root, environment, name, "", secrets.values(), startTimeout)
                          ::stop);
      case REDIS ->
          Optional.of(
              new RedisInstance(
                      redisServer.orElse(null),
                      root,
                      environment,
                      name,
                      "",
                      secrets.values(),
                      startTimeout)
                  ::stop);
    };
  }

  private static void check(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid " + what + " name: " + value);
    }
  }

  private static Optional<Path> onPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, executable);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
