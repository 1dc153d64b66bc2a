package dev.cairn.telemetry.metrics;

import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Cairn's meters, bound to a Micrometer registry and fed by the runtime's {@link RunEvent}s: the
 * one place the metrics are defined, for any driver whose runtime tells a {@link PipelineListener}
 * (the local loop; on AWS, a process that hears the same events).
 *
 * <p>A phase is timed from the event that starts it to the event that ends it, on the registry's
 * monotonic clock, so both must be heard by the same process: a phase cut short (by a rollback, a
 * superseding run or a restart of Cairn) is not timed. See {@code docs/observability.md} for the
 * names as Prometheus shows them.
 *
 * <ul>
 *   <li>{@value #RUNS} {@code {outcome}}: runs ended, by the execution's status ({@code succeeded},
 *       {@code failed}, {@code aborted}, {@code timed_out}).
 *   <li>{@value #BUILD} {@code {outcome}}: from the run's start to its artifact ({@code succeeded},
 *       {@code reused}) or failure ({@code failed}).
 *   <li>{@value #PHASE} {@code {phase, environment}}: {@code queue_wait} (waiting for the
 *       environment's slot), {@code migrate}, {@code switch} (from the plan, or the migration's
 *       end, to traffic on the new release: services, start, health check, switch) and {@code
 *       bake}.
 *   <li>{@value #DEPLOYMENTS} {@code {outcome, environment}}: {@code deployed}, {@code
 *       rolled_back}, {@code superseded}, {@code skipped}.
 *   <li>{@value #AUDIT_FAILURES}, {@value #AUDIT_PENDING}, {@value #WEBHOOK_DELIVERIES}, {@value
 *       #PROXY_CONNECTIONS} and {@value #PROXY_ERRORS} {@code {environment}}: fed by the driver.
 * </ul>
 */
public final class RunMetrics implements PipelineListener {
  /** Runs ended, by outcome. */
  public static final String RUNS = "cairn.runs";

  /** Build durations, by outcome. */
  public static final String BUILD = "cairn.build";

  /** Deployment phase durations, by phase and environment. */
  public static final String PHASE = "cairn.deploy.phase";

  /** Deployments ended, by outcome and environment. */
  public static final String DEPLOYMENTS = "cairn.deployments";

  /** Audit records that could not be stored. */
  public static final String AUDIT_FAILURES = "cairn.audit.failures";

  /** Audit records waiting in the outbox to be pushed. */
  public static final String AUDIT_PENDING = "cairn.audit.pending";

  /** Push notifications (webhooks, the post-receive hook) accepted. */
  public static final String WEBHOOK_DELIVERIES = "cairn.webhook.deliveries";

  /** Connections an environment's proxy accepted. */
  public static final String PROXY_CONNECTIONS = "cairn.proxy.connections";

  /** Connections an environment's proxy could not forward to the live release. */
  public static final String PROXY_ERRORS = "cairn.proxy.errors";

  private static final Set<String> RUN_OUTCOMES =
      Set.of("succeeded", "failed", "aborted", "timed_out");
  private static final String BUILD_PHASE = "build";

  private final MeterRegistry registry;
  private final Counter webhookDeliveries;
  private final Counter auditFailures;

  /** When each open phase started, by run, environment and phase (monotonic nanoseconds). */
  private final Map<PhaseKey, Long> started = new ConcurrentHashMap<>();

  /** The proxies' last reported counts, by environment; read by their function counters. */
  private final Map<String, AtomicLong[]> proxies = new ConcurrentHashMap<>();

  private record PhaseKey(String run, String environment, String phase) {}

  /** Binds the meters to {@code registry}. */
  public RunMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.webhookDeliveries =
        Counter.builder(WEBHOOK_DELIVERIES)
            .description("Push notifications (webhooks, post-receive hooks) accepted")
            .register(registry);
    this.auditFailures =
        Counter.builder(AUDIT_FAILURES)
            .description("Audit records that could not be stored")
            .register(registry);
  }

  @Override
  public void event(RunEvent event) {
    try {
      observe(event);
    } catch (RuntimeException e) {
      // A listener must not throw; a meter that could not be updated is not worth a run.
    }
  }

  private void observe(RunEvent event) {
    String run = event.run();
    String environment = event.environment();
    switch (event.kind()) {
      case RUN_STARTED -> start(run, null, BUILD_PHASE);
      case BUILD_SUCCEEDED -> build(run, "succeeded");
      case BUILD_REUSED -> build(run, "reused");
      case BUILD_FAILED -> build(run, "failed");
      case QUEUED -> start(run, environment, "queue_wait");
      case DEPLOY_STARTED -> {
        end(run, environment, "queue_wait");
        start(run, environment, "switch");
      }
      case MIGRATE_STARTED -> {
        // The switch phase starts where the migration ends.
        started.remove(new PhaseKey(run, environment, "switch"));
        start(run, environment, "migrate");
      }
      case MIGRATED -> {
        end(run, environment, "migrate");
        start(run, environment, "switch");
      }
      case SWITCHED -> {
        end(run, environment, "switch");
        start(run, environment, "bake");
      }
      case DEPLOYED -> {
        end(run, environment, "bake");
        deployment(environment, "deployed");
      }
      case ROLLED_BACK -> {
        forget(run, environment);
        deployment(environment, "rolled_back");
      }
      case SUPERSEDED -> {
        forget(run, environment);
        deployment(environment, "superseded");
      }
      case SKIPPED -> {
        forget(run, environment);
        deployment(environment, "skipped");
      }
      case AUDIT_FAILED -> auditFailures.increment();
      case RUN_ENDED -> {
        started.keySet().removeIf(key -> key.run().equals(run));
        String outcome =
            event.message() == null ? "" : event.message().toLowerCase(Locale.ROOT).strip();
        Counter.builder(RUNS)
            .description("Runs ended, by the execution's status")
            .tag("outcome", RUN_OUTCOMES.contains(outcome) ? outcome : "other")
            .register(registry)
            .increment();
      }
      default -> {
        // Output lines and other milestones are not measured.
      }
    }
  }

  /** Counts a push notification Cairn accepted. */
  public void webhookDelivered() {
    webhookDeliveries.increment();
  }

  /**
   * Reports the audit records waiting to be pushed, read whenever the registry is scraped.
   *
   * @param pending the number of records in the outbox
   */
  public void auditPending(Supplier<Number> pending) {
    Gauge.builder(AUDIT_PENDING, pending)
        .description("Audit records waiting in the outbox to be pushed")
        .register(registry);
  }

  /**
   * Reports an environment's proxy counts (as the proxy last wrote them): totals since that proxy
   * started, so a restarted proxy starts again from zero, as Prometheus counters may.
   */
  public void proxyTraffic(String environment, long connections, long errors) {
    AtomicLong[] counts =
        proxies.computeIfAbsent(
            environment,
            env -> {
              AtomicLong[] created = {new AtomicLong(), new AtomicLong()};
              FunctionCounter.builder(PROXY_CONNECTIONS, created[0], AtomicLong::doubleValue)
                  .description("Connections the environment's proxy accepted")
                  .tag("environment", env)
                  .register(registry);
              FunctionCounter.builder(PROXY_ERRORS, created[1], AtomicLong::doubleValue)
                  .description("Connections the proxy could not forward to the live release")
                  .tag("environment", env)
                  .register(registry);
              return created;
            });
    counts[0].set(connections);
    counts[1].set(errors);
  }

  private void build(String run, String outcome) {
    Long start = started.remove(new PhaseKey(run, null, BUILD_PHASE));
    if (start != null) {
      Timer.builder(BUILD)
          .description("From a run's start to its artifact or its build's failure")
          .tag("outcome", outcome)
          .register(registry)
          .record(now() - start, TimeUnit.NANOSECONDS);
    }
  }

  private void start(String run, String environment, String phase) {
    started.put(new PhaseKey(run, environment, phase), now());
  }

  private void end(String run, String environment, String phase) {
    Long start = started.remove(new PhaseKey(run, environment, phase));
    if (start != null && environment != null) {
      Timer.builder(PHASE)
          .description("Durations of the phases of a deployment")
          .tag("phase", phase)
          .tag("environment", environment)
          .register(registry)
          .record(now() - start, TimeUnit.NANOSECONDS);
    }
  }

  /** Drops the open phases of a run's deployment that ended early: they are not timed. */
  private void forget(String run, String environment) {
    started
        .keySet()
        .removeIf(
            k -> k.run().equals(run) && java.util.Objects.equals(k.environment(), environment));
  }

  private void deployment(String environment, String outcome) {
    if (environment == null) {
      return;
    }
    Counter.builder(DEPLOYMENTS)
        .description("Deployments ended, by outcome")
        .tag("outcome", outcome)
        .tag("environment", environment)
        .register(registry)
        .increment();
  }

  private long now() {
    return registry.config().clock().monotonicTime();
  }
}
