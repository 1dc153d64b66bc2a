package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.definition.StateMachine;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.store.ExecutionStore;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.IntegrationPattern;
import dev.cairn.engine.task.TaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.engine.task.TaskRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs Amazon States Language state machines: the local Step Functions. Start, describe, stop,
 * list, read history, and report task outcomes by token.
 *
 * <p>Every execution is event-sourced: its events are appended to the {@link ExecutionStore} before
 * any task is dispatched or timer armed, and on start the engine resumes the executions the store
 * says are running, dispatching in-flight tasks again with the same idempotency key. Waits and
 * retry back-offs are timers computed from recorded times, so they survive restarts too.
 */
public final class Engine implements AutoCloseable {
  private final ExecutionStore store;
  private final TaskHandlers handlers;
  private final Clock clock;
  private final double waitScale;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Map<String, Runner> runners = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<ExecutionDescription>> completions =
      new ConcurrentHashMap<>();
  private final Map<String, Instant> heartbeats = new ConcurrentHashMap<>();
  private final Map<String, Duration> heartbeatIntervals = new ConcurrentHashMap<>();

  private Engine(Builder builder) {
    this.store = builder.store;
    this.handlers = builder.handlers;
    this.clock = builder.clock;
    this.waitScale = builder.waitScale;
    this.workers =
        Executors.newFixedThreadPool(
            builder.threads,
            runnable -> {
              Thread thread = new Thread(runnable, "cairn-engine");
              thread.setDaemon(true);
              return thread;
            });
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cairn-timers");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** A builder with an in-memory store, no task handlers, the system clock and real-time waits. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of an engine. */
  public static final class Builder {
    private ExecutionStore store = new InMemoryExecutionStore();
    private TaskHandlers handlers = new TaskHandlers();
    private Clock clock = Clock.systemUTC();
    private double waitScale = 1.0;
    private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());

    private Builder() {}

    /** Where executions are kept (default: in memory). */
    public Builder store(ExecutionStore value) {
      this.store = value;
      return this;
    }

    /** The handlers of Task states. */
    public Builder taskHandlers(TaskHandlers value) {
      this.handlers = value;
      return this;
    }

    /** The clock of event timestamps and timers. */
    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /**
     * Multiplies Wait durations and retry intervals: 0 makes them instant, like Step Functions
     * Local's WAIT_TIME_SCALE. Task timeouts are not scaled.
     */
    public Builder waitScale(double value) {
      if (value < 0) {
        throw new IllegalArgumentException("the wait scale must be 0 or more, not " + value);
      }
      this.waitScale = value;
      return this;
    }

    /** Worker threads that run interpreters (not tasks: handlers are asynchronous). */
    public Builder threads(int value) {
      this.threads = value;
      return this;
    }

    /** Builds the engine and resumes the executions the store says are running. */
    public Engine build() {
      Engine engine = new Engine(this);
      engine.resumeRunning();
      return engine;
    }
  }

  // ---------------------------------------------------------------- API

  /**
   * Starts an execution.
   *
   * @param definition the definition as JSON text (validated here)
   * @param stateMachineName the state machine's name, used in ARNs and the context object
   * @param executionName the execution's name, or null for a random one
   * @param input the execution input
   * @return the execution's id (its ARN)
   * @throws dev.cairn.engine.definition.InvalidDefinitionException when the definition is invalid
   */
  public String start(
      String definition, String stateMachineName, String executionName, JsonNode input) {
    return start(
        DefinitionParser.parse(definition), definition, stateMachineName, executionName, input);
  }

  /**
   * Starts an execution of a definition the caller has parsed already, so that it is not parsed and
   * validated a second time (for a machine of thousands of states that is a large part of a
   * short-lived process's time).
   *
   * @param machine the result of {@link DefinitionParser#parse(String)} on {@code definition}
   * @param definition the same definition as JSON text, as the store keeps it
   * @param stateMachineName the state machine's name, used in ARNs and the context object
   * @param executionName the execution's name, or null for a random one
   * @param input the execution input
   * @return the execution's id (its ARN)
   */
  public String start(
      StateMachine machine,
      String definition,
      String stateMachineName,
      String executionName,
      JsonNode input) {
    String name = executionName == null ? randomName() : executionName;
    String id = "arn:aws:states:local:000000000000:execution:" + stateMachineName + ":" + name;
    Interpreter interpreter = new Interpreter(id, name, stateMachineName, machine, input, clock);
    ExecutionDescription initial =
        new ExecutionDescription(
            id,
            name,
            stateMachineName,
            ExecutionStatus.RUNNING,
            // To the millisecond, as the history's timestamps (see Interpreter.now).
            Instant.ofEpochMilli(clock.millis()),
            null,
            input,
            null,
            null,
            null);
    store.create(initial, definition);
    completions.computeIfAbsent(id, key -> new CompletableFuture<>());
    Runner runner = new Runner(id, interpreter);
    runners.put(id, runner);
    runner.post(new Trigger.Start());
    return id;
  }

  /**
   * A random version-4 UUID for an execution started without a name. Not {@link UUID#randomUUID()}:
   * its SecureRandom costs 40 to 50 ms of start-up in a new process (the security providers are
   * loaded and seeded), a large part of {@code cairn states run} on a small machine, and a name
   * needs to be unique, not unguessable.
   */
  private static String randomName() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }

  /** The execution's description, or empty when there is none with that id. */
  public Optional<ExecutionDescription> describe(String executionId) {
    Runner runner = runners.get(executionId);
    if (runner != null) {
      return Optional.of(runner.description());
    }
    return store.find(executionId).map(ExecutionStore.StoredExecution::description);
  }

  /** Completes when the execution ends, with its final description. */
  public CompletableFuture<ExecutionDescription> completion(String executionId) {
    CompletableFuture<ExecutionDescription> future =
        completions.computeIfAbsent(executionId, key -> new CompletableFuture<>());
    store
        .find(executionId)
        .map(ExecutionStore.StoredExecution::description)
        .filter(d -> d.status().isFinal())
        .ifPresent(future::complete);
    return future;
  }

  /** Stops a running execution (status ABORTED). Does nothing if it has ended. */
  public void stop(String executionId, String error, String cause) {
    Runner runner = runners.get(executionId);
    if (runner == null) {
      throw new IllegalArgumentException("no running execution with id " + executionId);
    }
    runner.post(new Trigger.Stop(error, cause));
  }

  /** Every execution, newest first. */
  public List<ExecutionDescription> list() {
    return store.list();
  }

  /** The execution's history, as persisted. */
  public List<HistoryEvent> history(String executionId) {
    return store.history(executionId);
  }

  /** Reports the success of a task waiting for its token ({@code .waitForTaskToken}). */
  public void sendTaskSuccess(String taskToken, JsonNode output) {
    TokenTarget target = tokenTarget(taskToken);
    target.runner.post(new Trigger.TaskSucceeded(target.frame, target.key, output));
  }

  /** Reports the failure of a task waiting for its token. */
  public void sendTaskFailure(String taskToken, String error, String cause) {
    TokenTarget target = tokenTarget(taskToken);
    target.runner.post(new Trigger.TaskFailed(target.frame, target.key, error, cause));
  }

  /** Reports that a task is alive, restarting its HeartbeatSeconds clock. */
  public void sendTaskHeartbeat(String taskToken) {
    tokenTarget(taskToken);
    heartbeats.put(taskToken, clock.instant());
  }

  private record TokenTarget(Runner runner, String frame, long key) {}

  private TokenTarget tokenTarget(String taskToken) {
    String[] parts = Interpreter.parseTaskToken(taskToken);
    Runner runner = parts == null ? null : runners.get(parts[0]);
    if (runner == null) {
      throw new IllegalArgumentException(
          "the task token is not valid, or its execution has ended (TaskTimedOut)");
    }
    return new TokenTarget(runner, parts[1], Long.parseLong(parts[2]));
  }

  @Override
  public void close() {
    timers.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }

  // ---------------------------------------------------------------- recovery

  private void resumeRunning() {
    for (ExecutionStore.StoredExecution stored : store.running()) {
      ExecutionDescription description = stored.description();
      StateMachine machine = DefinitionParser.parse(stored.definition());
      Interpreter interpreter =
          new Interpreter(
              description.executionArn(),
              description.name(),
              description.stateMachineName(),
              machine,
              description.input(),
              clock);
      List<Command> outstanding = interpreter.replay(store.history(description.executionArn()));
      completions.computeIfAbsent(description.executionArn(), key -> new CompletableFuture<>());
      Runner runner = new Runner(description.executionArn(), interpreter);
      runners.put(description.executionArn(), runner);
      runner.perform(outstanding);
    }
  }

  // ---------------------------------------------------------------- running

  /**
   * Drives one interpreter: triggers are handled one at a time, in order, on the worker pool;
   * events are persisted before the commands they led to are performed.
   */
  private final class Runner {
    private final String executionId;
    private final Interpreter interpreter;
    private final ArrayDeque<Trigger> inbox = new ArrayDeque<>();
    private boolean scheduled;
    private volatile ExecutionDescription description;

    Runner(String executionId, Interpreter interpreter) {
      this.executionId = executionId;
      this.interpreter = interpreter;
      this.description = interpreter.describe();
    }

    ExecutionDescription description() {
      return description;
    }

    void post(Trigger trigger) {
      synchronized (inbox) {
        inbox.add(trigger);
        if (scheduled) {
          return;
        }
        scheduled = true;
      }
      workers.execute(this::drain);
    }

    private void drain() {
      while (true) {
        Trigger trigger;
        synchronized (inbox) {
          trigger = inbox.poll();
          if (trigger == null) {
            scheduled = false;
            return;
          }
        }
        handle(trigger);
      }
    }

    private void handle(Trigger trigger) {
      Interpreter.Outcome outcome = interpreter.handle(trigger);
      if (outcome.events().isEmpty() && outcome.commands().isEmpty()) {
        return;
      }
      ExecutionDescription after = interpreter.describe();
      store.append(executionId, outcome.events(), after);
      description = after;
      perform(outcome.commands());
      if (after.status().isFinal()) {
        runners.remove(executionId);
        completions.computeIfAbsent(executionId, key -> new CompletableFuture<>()).complete(after);
      }
    }

    void perform(List<Command> commands) {
      for (Command command : commands) {
        switch (command) {
          case Command.Dispatch dispatch -> dispatchTask(dispatch);
          case Command.ArmTimer timer -> arm(timer);
          case Command.Cancel cancel ->
              handlers.find(cancel.request().resource()).ifPresent(h -> h.cancel(cancel.request()));
        }
      }
    }

    private void dispatchTask(Command.Dispatch dispatch) {
      TaskRequest request = dispatch.request();
      Optional<TaskHandler> handler = handlers.find(request.resource());
      if (handler.isEmpty()) {
        post(
            new Trigger.TaskFailed(
                dispatch.frame(),
                dispatch.key(),
                StatesErrors.TASK_FAILED,
                "No task handler is registered for the resource " + request.resource()));
        return;
      }
      try {
        handler
            .get()
            .invoke(request)
            .whenComplete(
                (result, failure) -> {
                  if (failure == null) {
                    if (request.pattern() != IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
                      post(new Trigger.TaskSucceeded(dispatch.frame(), dispatch.key(), result));
                    }
                  } else {
                    post(failureTrigger(dispatch, failure));
                  }
                });
      } catch (RuntimeException failure) {
        post(failureTrigger(dispatch, failure));
      }
    }

    private Trigger failureTrigger(Command.Dispatch dispatch, Throwable failure) {
      StatesException error = StateSemantics.taskFailure(failure);
      return new Trigger.TaskFailed(dispatch.frame(), dispatch.key(), error.error(), error.cause());
    }

    private void arm(Command.ArmTimer timer) {
      Duration delay = Duration.between(clock.instant(), timer.due());
      boolean scaled =
          timer.kind() == Command.TimerKind.WAIT || timer.kind() == Command.TimerKind.RETRY;
      long millis = Math.max(0, delay.toMillis());
      if (timer.kind() == Command.TimerKind.HEARTBEAT_TIMEOUT) {
        heartbeatIntervals.putIfAbsent(
            Interpreter.taskToken(executionId, timer.frame(), timer.key()),
            Duration.ofMillis(Math.max(1000, millis)));
      }
      if (scaled) {
        millis = Math.round(millis * waitScale);
      }
      Runnable fire =
          switch (timer.kind()) {
            case WAIT, RETRY -> () -> post(new Trigger.TimerFired(timer.frame(), timer.key()));
            case TASK_TIMEOUT ->
                () -> post(new Trigger.TaskTimedOut(timer.frame(), timer.key(), false));
            case HEARTBEAT_TIMEOUT -> () -> heartbeatDue(timer);
            case EXECUTION_TIMEOUT -> () -> post(new Trigger.ExecutionTimeout());
          };
      if (millis == 0) {
        fire.run();
      } else {
        timers.schedule(fire, millis, TimeUnit.MILLISECONDS);
      }
    }

    /** A heartbeat deadline passed: time out, unless a heartbeat came since it was armed. */
    private void heartbeatDue(Command.ArmTimer timer) {
      String token = Interpreter.taskToken(executionId, timer.frame(), timer.key());
      Instant last = heartbeats.get(token);
      Duration interval = heartbeatIntervals.get(token);
      if (last != null && interval != null) {
        Instant next = last.plus(interval);
        if (next.isAfter(clock.instant())) {
          arm(new Command.ArmTimer(timer.frame(), timer.key(), next, timer.kind()));
          return;
        }
      }
      post(new Trigger.TaskTimedOut(timer.frame(), timer.key(), true));
    }
  }
}
