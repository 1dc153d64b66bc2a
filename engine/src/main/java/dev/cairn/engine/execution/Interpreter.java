package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.definition.Catcher;
import dev.cairn.engine.definition.ChoiceState;
import dev.cairn.engine.definition.FailState;
import dev.cairn.engine.definition.IoPath;
import dev.cairn.engine.definition.MapState;
import dev.cairn.engine.definition.ParallelState;
import dev.cairn.engine.definition.PassState;
import dev.cairn.engine.definition.ResultPathSpec;
import dev.cairn.engine.definition.Retrier;
import dev.cairn.engine.definition.State;
import dev.cairn.engine.definition.StateFlow;
import dev.cairn.engine.definition.StateMachine;
import dev.cairn.engine.definition.SucceedState;
import dev.cairn.engine.definition.TaskState;
import dev.cairn.engine.definition.WaitState;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.JsonPath;
import dev.cairn.engine.path.PayloadTemplate;
import dev.cairn.engine.path.Variables;
import dev.cairn.engine.task.IntegrationPattern;
import dev.cairn.engine.task.TaskRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Decides what one execution does next: given a {@link Trigger}, it appends history events and
 * collects {@link Command}s, without doing any I/O itself.
 *
 * <p>The execution's state is never stored: it is rebuilt by {@link #replay replaying} its history,
 * feeding back the outcomes the history recorded. Everything the interpreter decides is therefore a
 * function of the definition, the input and the recorded events (timestamps included); where a
 * value is not reproducible (a random number in a template), the recorded event wins.
 *
 * <p>Not thread-safe: one instance per execution, driven by one thread at a time.
 */
final class Interpreter {
  /** Step Functions' limit on inputs, outputs and results: 256 KiB. */
  static final int PAYLOAD_LIMIT_BYTES = 256 * 1024;

  private static final String ROOT = "";

  /** The retry counters of a state without retriers; never written. */
  private static final int[] NO_RETRIES = new int[0];

  // Looked up by class rather than by a type switch: each switch's bootstrap generates a class at
  // run time, which a short-lived process (cairn states run) pays for at start-up.
  private static final Map<Class<?>, HistoryEventType> ENTERED =
      Map.of(
          PassState.class, HistoryEventType.PASS_STATE_ENTERED,
          TaskState.class, HistoryEventType.TASK_STATE_ENTERED,
          ChoiceState.class, HistoryEventType.CHOICE_STATE_ENTERED,
          WaitState.class, HistoryEventType.WAIT_STATE_ENTERED,
          SucceedState.class, HistoryEventType.SUCCEED_STATE_ENTERED,
          FailState.class, HistoryEventType.FAIL_STATE_ENTERED,
          ParallelState.class, HistoryEventType.PARALLEL_STATE_ENTERED,
          MapState.class, HistoryEventType.MAP_STATE_ENTERED);
  private static final Map<Class<?>, HistoryEventType> EXITED =
      Map.of(
          PassState.class, HistoryEventType.PASS_STATE_EXITED,
          TaskState.class, HistoryEventType.TASK_STATE_EXITED,
          ChoiceState.class, HistoryEventType.CHOICE_STATE_EXITED,
          WaitState.class, HistoryEventType.WAIT_STATE_EXITED,
          SucceedState.class, HistoryEventType.SUCCEED_STATE_EXITED,
          FailState.class, HistoryEventType.FAIL_STATE_EXITED,
          ParallelState.class, HistoryEventType.PARALLEL_STATE_EXITED,
          MapState.class, HistoryEventType.MAP_STATE_EXITED);

  private final String executionId;
  private final String executionName;
  private final String stateMachineName;
  private final StateMachine machine;
  private final JsonNode input;
  private final Clock clock;
  private long lastMillis;
  private Instant lastInstant;

  private final Map<String, Frame> frames = new HashMap<>();
  private final Deque<Runnable> agenda = new ArrayDeque<>();
  // Only the count and the last event: the store keeps the history, and in durable mode keeping
  // it here too would hold every event of a long execution in memory for nothing.
  private long eventCount;
  private HistoryEvent lastEvent;
  private List<HistoryEvent> batch = new ArrayList<>();
  private List<Command> commands = new ArrayList<>();
  private List<HistoryEvent> replaying = List.of();
  private int replayCursor;

  private ObjectNode executionContext;
  private ObjectNode stateMachineContext;
  private ExecutionStatus status = ExecutionStatus.RUNNING;
  private Instant startDate;
  private Instant stopDate;
  private JsonNode output;
  private String error;
  private String cause;

  Interpreter(
      String executionId,
      String executionName,
      String stateMachineName,
      StateMachine machine,
      JsonNode input,
      Clock clock) {
    this.executionId = executionId;
    this.executionName = executionName;
    this.stateMachineName = stateMachineName;
    this.machine = machine;
    this.input = input;
    this.clock = clock;
  }

  /** The events and commands one trigger produced. */
  record Outcome(List<HistoryEvent> events, List<Command> commands) {}

  // ---------------------------------------------------------------- driving

  /** Applies one trigger; returns the new events (to persist first) and the commands. */
  Outcome handle(Trigger trigger) {
    dispatch(trigger);
    drain();
    Outcome outcome = new Outcome(batch, commands);
    batch = new ArrayList<>();
    commands = new ArrayList<>();
    return outcome;
  }

  /**
   * Rebuilds the execution from its recorded history and returns the commands that are still
   * outstanding (tasks in flight, timers), to be performed again.
   */
  List<Command> replay(List<HistoryEvent> recorded) {
    replaying = recorded;
    replayCursor = 0;
    if (!recorded.isEmpty()) {
      dispatch(new Trigger.Start());
      drain();
      while (replayCursor < recorded.size()) {
        HistoryEvent next = recorded.get(replayCursor);
        dispatch(triggerRecordedBy(next));
        drain();
      }
    }
    replaying = List.of();
    batch = new ArrayList<>();
    commands = new ArrayList<>();
    return outstandingCommands();
  }

  private void drain() {
    Runnable step;
    while ((step = agenda.pollFirst()) != null) {
      step.run();
    }
  }

  private void dispatch(Trigger trigger) {
    if (status.isFinal()) {
      return;
    }
    // instanceof rather than a pattern switch, here and in enterState: a pattern switch's bootstrap
    // generates a class at run time (the JDK's ahead-of-time cache does not keep it), a few
    // milliseconds of every short-lived `states run`.
    if (trigger instanceof Trigger.Start) {
      startExecution();
    } else if (trigger instanceof Trigger.TaskSucceeded t) {
      onFrame(t.frame(), t.key(), Waiting.TASK, f -> taskSucceeded(f, t.output()));
    } else if (trigger instanceof Trigger.TaskFailed t) {
      onFrame(
          t.frame(),
          t.key(),
          Waiting.TASK,
          f -> taskFailed(f, taskEvent(f, "Failed"), t.error(), t.cause()));
    } else if (trigger instanceof Trigger.TaskTimedOut t) {
      onFrame(
          t.frame(),
          t.key(),
          Waiting.TASK,
          f ->
              taskFailed(
                  f,
                  taskEvent(f, "TimedOut"),
                  t.heartbeat() ? StatesErrors.HEARTBEAT_TIMEOUT : StatesErrors.TIMEOUT,
                  null));
    } else if (trigger instanceof Trigger.TimerFired t) {
      onFrame(t.frame(), t.key(), Waiting.TIMER, this::timerFired);
    } else if (trigger instanceof Trigger.Stop stop) {
      abort(stop.error(), stop.cause());
    } else if (trigger instanceof Trigger.ExecutionTimeout) {
      timeOut();
    } else {
      throw new IllegalStateException("unknown trigger " + trigger);
    }
  }

  /**
   * Runs {@code action} if the frame still waits for exactly this; late or stale news is dropped.
   */
  private void onFrame(String frameId, long key, Waiting kind, Consumer<Frame> action) {
    Frame frame = frames.get(frameId);
    if (frame != null && frame.active && frame.pendingKey == key && frame.waiting == kind) {
      action.accept(frame);
    }
  }

  /** During replay: the trigger that must have produced a recorded event. */
  private Trigger triggerRecordedBy(HistoryEvent event) {
    Frame frame = frames.get(event.frame());
    long key = frame == null ? -1 : frame.pendingKey;
    return switch (event.type()) {
      case TASK_SUCCEEDED, LAMBDA_FUNCTION_SUCCEEDED ->
          new Trigger.TaskSucceeded(event.frame(), key, event.details().get("output"));
      case TASK_FAILED, LAMBDA_FUNCTION_FAILED ->
          new Trigger.TaskFailed(event.frame(), key, event.text("error"), event.text("cause"));
      case TASK_TIMED_OUT, LAMBDA_FUNCTION_TIMED_OUT ->
          new Trigger.TaskTimedOut(event.frame(), key, StateSemantics.heartbeatTimedOut(event));
      case EXECUTION_ABORTED -> new Trigger.Stop(event.text("error"), event.text("cause"));
      case EXECUTION_TIMED_OUT -> new Trigger.ExecutionTimeout();
      default -> new Trigger.TimerFired(event.frame(), key);
    };
  }

  // ---------------------------------------------------------------- events

  private HistoryEvent emit(HistoryEventType type, Frame frame, ObjectNode details) {
    long id = eventCount + 1L;
    HistoryEvent event;
    if (replayCursor < replaying.size()) {
      event = replaying.get(replayCursor++);
      if (event.type() != type || event.id() != id) {
        throw new IllegalStateException(
            "the history of execution "
                + executionId
                + " does not replay: event #"
                + event.id()
                + " is "
                + event.type().wireName()
                + " but the definition leads to "
                + type.wireName());
      }
    } else {
      event = new HistoryEvent(id, id - 1, now(), type, frame == null ? ROOT : frame.id, details);
      batch.add(event);
    }
    eventCount = id;
    lastEvent = event;
    return event;
  }

  private static ObjectNode details() {
    return Json.smallObject();
  }

  /**
   * The time of an event: the clock read to the millisecond, the precision of Step Functions'
   * timestamps. Consecutive events in the same millisecond share one {@code Instant}: a Map over
   * 10,000 items records 40,006 events in about a tenth of a second, and reading the clock in full
   * precision and making an {@code Instant} for each was a noticeable part of a short-lived run.
   */
  private Instant now() {
    long millis = clock.millis();
    if (lastInstant == null || millis != lastMillis) {
      lastMillis = millis;
      lastInstant = Instant.ofEpochMilli(millis);
    }
    return lastInstant;
  }

  private static ObjectNode stateDetails(String name, String field, JsonNode value) {
    ObjectNode details = details();
    details.put("name", name);
    details.set(field, value);
    return details;
  }

  // ---------------------------------------------------------------- execution level

  private void startExecution() {
    ObjectNode details = details();
    details.set("input", input);
    details.put("stateMachineName", stateMachineName);
    HistoryEvent started = emit(HistoryEventType.EXECUTION_STARTED, null, details);
    startDate = started.timestamp();
    executionContext = Json.object();
    executionContext.put("Id", executionId);
    executionContext.set("Input", input);
    executionContext.put("Name", executionName);
    executionContext.put("RoleArn", "arn:aws:iam::000000000000:role/cairn-local");
    executionContext.put("StartTime", startDate.toString());
    executionContext.put("RedriveCount", 0);
    stateMachineContext = Json.object();
    stateMachineContext.put("Id", stateMachineArn());
    stateMachineContext.put("Name", stateMachineName);
    if (machine.timeoutSeconds() != null) {
      commands.add(
          new Command.ArmTimer(
              ROOT,
              0,
              startDate.plusSeconds(machine.timeoutSeconds()),
              Command.TimerKind.EXECUTION_TIMEOUT));
    }
    Frame root = new Frame(ROOT, null, machine, 0);
    root.registered = true;
    frames.put(ROOT, root);
    if (!Json.fitsIn(input, PAYLOAD_LIMIT_BYTES)) {
      failExecution(
          StatesErrors.DATA_LIMIT_EXCEEDED,
          "The input to the execution exceeds the maximum number of bytes service limit.");
      return;
    }
    agenda.add(() -> enterState(root, machine.startAt(), input));
  }

  private String stateMachineArn() {
    return "arn:aws:states:local:000000000000:stateMachine:" + stateMachineName;
  }

  private void failExecution(String error, String cause) {
    ObjectNode details = details();
    putIfNotNull(details, "error", error);
    putIfNotNull(details, "cause", cause);
    HistoryEvent event = emit(HistoryEventType.EXECUTION_FAILED, null, details);
    finish(ExecutionStatus.FAILED, null, error, cause, event.timestamp());
  }

  private void abort(String error, String cause) {
    ObjectNode details = details();
    putIfNotNull(details, "error", error);
    putIfNotNull(details, "cause", cause);
    HistoryEvent event = emit(HistoryEventType.EXECUTION_ABORTED, null, details);
    finish(ExecutionStatus.ABORTED, null, error, cause, event.timestamp());
  }

  private void timeOut() {
    ObjectNode details = details();
    details.put("error", StatesErrors.TIMEOUT);
    details.put("cause", "The execution timed out after " + machine.timeoutSeconds() + " seconds.");
    HistoryEvent event = emit(HistoryEventType.EXECUTION_TIMED_OUT, null, details);
    finish(
        ExecutionStatus.TIMED_OUT,
        null,
        StatesErrors.TIMEOUT,
        details.get("cause").asText(),
        event.timestamp());
  }

  private void finish(
      ExecutionStatus finalStatus, JsonNode out, String err, String why, Instant when) {
    status = finalStatus;
    output = out;
    error = err;
    cause = why;
    stopDate = when;
    agenda.clear();
    for (Frame frame : frames.values()) {
      if (frame.active && frame.waiting == Waiting.TASK && frame.task != null) {
        commands.add(new Command.Cancel(frame.task));
      }
      frame.active = false;
    }
  }

  private static void putIfNotNull(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  // ---------------------------------------------------------------- states

  private void enterState(Frame frame, String name, JsonNode rawInput) {
    if (!frame.active) {
      return;
    }
    State state = frame.machine.state(name);
    HistoryEvent entered = emit(enteredEvent(state), frame, stateDetails(name, "input", rawInput));
    frame.state = state;
    frame.rawInput = entered.details().get("input");
    frame.enteredEventId = entered.id();
    frame.enteredTime = entered.timestamp();
    frame.retryCount = 0;
    int retriers = StateSemantics.retriers(state).size();
    frame.retriesByRetrier = retriers == 0 ? NO_RETRIES : new int[retriers];
    frame.waiting = Waiting.NOTHING;
    frame.task = null;
    frame.fanout = null;
    frame.context = null;
    frame.pendingAssign = Map.of();
    try {
      if (state instanceof PassState pass) {
        runPass(frame, pass);
      } else if (state instanceof TaskState task) {
        runTask(frame, task);
      } else if (state instanceof ChoiceState choice) {
        runChoice(frame, choice);
      } else if (state instanceof WaitState wait) {
        runWait(frame, wait);
      } else if (state instanceof SucceedState succeed) {
        runSucceed(frame, succeed);
      } else if (state instanceof FailState fail) {
        runFail(frame, fail);
      } else if (state instanceof ParallelState parallel) {
        runParallel(frame, parallel);
      } else if (state instanceof MapState map) {
        runMap(frame, map);
      } else {
        throw new IllegalStateException("unknown state type " + state.getClass());
      }
    } catch (StatesException e) {
      stateFailed(frame, e.error(), e.cause(), false);
    }
  }

  private void exitState(Frame frame, JsonNode stateOutput, String next) {
    if (!Json.fitsIn(stateOutput, PAYLOAD_LIMIT_BYTES)) {
      stateFailed(
          frame,
          StatesErrors.DATA_LIMIT_EXCEEDED,
          "The state/task '"
              + frame.state.name()
              + "' returned a result with a size exceeding the maximum number of bytes service"
              + " limit.",
          true);
      return;
    }
    HistoryEvent exited =
        emit(
            exitedEvent(frame.state),
            frame,
            stateDetails(frame.state.name(), "output", stateOutput));
    JsonNode recordedOutput = exited.details().get("output");
    frame.waiting = Waiting.NOTHING;
    // Assignments take effect when the state is left: every expression of the state saw the values
    // from its entry.
    frame.variables = frame.variables.assign(frame.pendingAssign);
    frame.pendingAssign = Map.of();
    if (next != null) {
      agenda.add(() -> enterState(frame, next, recordedOutput));
    } else {
      frameSucceeded(frame, recordedOutput);
    }
  }

  private void runPass(Frame frame, PassState pass) {
    StateFlow flow = flow(frame);
    if (flow.jsonata()) {
      EvaluationContext context = jsonata(frame, null, null);
      frame.pendingAssign = JsonataSemantics.assignments(flow.assign(), context);
      JsonNode out = JsonataSemantics.valueOr(flow.field("Output"), context, frame.rawInput);
      exitState(frame, out, pass.next());
      return;
    }
    JsonNode effective = effectiveInput(frame, pass.inputPath(), pass.parameters());
    JsonNode result = pass.result() != null ? pass.result() : effective;
    frame.pendingAssign =
        flow.assign() == null
            ? Map.of()
            : JsonataSemantics.assignments(flow.assign(), context(frame, result));
    exitState(frame, finalOutput(frame, result, pass.resultPath(), pass.outputPath()), pass.next());
  }

  private void runChoice(Frame frame, ChoiceState choice) {
    StateFlow flow = flow(frame);
    boolean jsonata = flow.jsonata();
    EvaluationContext context;
    if (jsonata) {
      context = jsonata(frame, null, null);
    } else {
      JsonNode effective = choice.inputPath().apply(context(frame, frame.rawInput), "InputPath");
      context = context(frame, effective);
    }
    String next = choice.defaultNext();
    StateFlow.Rule chosen = new StateFlow.Rule(null, flow.assign(), flow.field("Output"));
    for (int i = 0; i < choice.choices().size(); i++) {
      ChoiceState.Branch branch = choice.choices().get(i);
      StateFlow.Rule rule = flow.choice(i);
      boolean matches =
          jsonata
              ? JsonataSemantics.condition(rule.condition(), context)
              : branch.rule().matches(context);
      if (matches) {
        next = branch.next();
        chosen = rule;
        break;
      }
    }
    if (next == null) {
      throw new StatesException(StatesErrors.NO_CHOICE_MATCHED, "No Matches!");
    }
    frame.pendingAssign = JsonataSemantics.assignments(chosen.assign(), context);
    JsonNode out =
        jsonata
            ? JsonataSemantics.valueOr(chosen.output(), context, frame.rawInput)
            : choice.outputPath().apply(context, "OutputPath");
    exitState(frame, out, next);
  }

  private void runSucceed(Frame frame, SucceedState succeed) {
    StateFlow flow = flow(frame);
    if (flow.jsonata()) {
      EvaluationContext context = jsonata(frame, null, null);
      exitState(
          frame, JsonataSemantics.valueOr(flow.field("Output"), context, frame.rawInput), null);
      return;
    }
    JsonNode effective = succeed.inputPath().apply(context(frame, frame.rawInput), "InputPath");
    exitState(frame, succeed.outputPath().apply(context(frame, effective), "OutputPath"), null);
  }

  private void runFail(Frame frame, FailState fail) {
    StateFlow flow = flow(frame);
    if (flow.jsonata()) {
      EvaluationContext context = jsonata(frame, null, null);
      String failError =
          flow.field("Error") == null
              ? fail.error()
              : JsonataSemantics.text(flow.field("Error"), "Error", context);
      String failCause =
          flow.field("Cause") == null
              ? fail.cause()
              : JsonataSemantics.text(flow.field("Cause"), "Cause", context);
      frameFailed(frame, failError, failCause);
      return;
    }
    EvaluationContext context = context(frame, frame.rawInput);
    String failError =
        fail.errorPath() != null
            ? StateSemantics.text(fail.errorPath().evaluate(context, "ErrorPath"))
            : fail.error();
    String failCause =
        fail.causePath() != null
            ? StateSemantics.text(fail.causePath().evaluate(context, "CausePath"))
            : fail.cause();
    frameFailed(frame, failError, failCause);
  }

  // ---------------------------------------------------------------- Wait

  private void runWait(Frame frame, WaitState wait) {
    StateFlow flow = flow(frame);
    JsonNode effective;
    EvaluationContext context;
    if (flow.jsonata()) {
      effective = frame.rawInput;
      context = jsonata(frame, null, null);
      // Evaluated on entry, as every expression of the state sees the values from its entry.
      frame.pendingAssign = JsonataSemantics.assignments(flow.assign(), context);
      frame.pendingOutput = JsonataSemantics.valueOr(flow.field("Output"), context, effective);
    } else {
      effective = wait.inputPath().apply(context(frame, frame.rawInput), "InputPath");
      context = context(frame, effective);
      frame.pendingAssign = JsonataSemantics.assignments(flow.assign(), context);
      frame.pendingOutput = null;
    }
    Instant due = WaitTimes.due(wait, flow, context, frame.enteredTime);
    frame.effectiveInput = effective;
    awaiting(frame, Waiting.TIMER);
    frame.pendingKey = frame.enteredEventId;
    frame.dueAt = due;
    frame.timerKind = Command.TimerKind.WAIT;
    commands.add(new Command.ArmTimer(frame.id, frame.pendingKey, due, Command.TimerKind.WAIT));
  }

  private void timerFired(Frame frame) {
    switch (frame.timerKind) {
      case WAIT -> {
        WaitState wait = (WaitState) frame.state;
        try {
          JsonNode out =
              frame.pendingOutput != null
                  ? frame.pendingOutput
                  : wait.outputPath().apply(context(frame, frame.effectiveInput), "OutputPath");
          exitState(frame, out, wait.next());
        } catch (StatesException e) {
          stateFailed(frame, e.error(), e.cause(), false);
        }
      }
      case RETRY -> retryState(frame);
      default -> {}
    }
  }

  // ---------------------------------------------------------------- Task

  private void runTask(Frame frame, TaskState task) {
    StateFlow flow = flow(frame);
    if (flow.jsonata()) {
      EvaluationContext context = jsonata(frame, null, null);
      frame.taskInput = frame.rawInput;
      frame.timeoutSeconds =
          JsonataSemantics.integer(
              flow.field("TimeoutSeconds"), "TimeoutSeconds", context, task.timeoutSeconds(), 1);
      frame.heartbeatSeconds =
          JsonataSemantics.integer(
              flow.field("HeartbeatSeconds"),
              "HeartbeatSeconds",
              context,
              task.heartbeatSeconds(),
              1);
      scheduleTask(frame, task);
      return;
    }
    JsonNode afterInputPath = task.inputPath().apply(context(frame, frame.rawInput), "InputPath");
    frame.taskInput = afterInputPath;
    frame.timeoutSeconds =
        seconds(task.timeoutSeconds(), task.timeoutSecondsPath(), frame, afterInputPath);
    frame.heartbeatSeconds =
        seconds(task.heartbeatSeconds(), task.heartbeatSecondsPath(), frame, afterInputPath);
    scheduleTask(frame, task);
  }

  /**
   * Parameters are evaluated for every attempt, because each attempt has its own task token: the id
   * of the TaskScheduled event about to be written.
   */
  private JsonNode taskParameters(Frame frame, TaskState task) {
    StateFlow flow = flow(frame);
    if (flow.jsonata() ? flow.field("Arguments") == null : task.parameters() == null) {
      return frame.taskInput;
    }
    EvaluationContext context = context(frame, frame.taskInput);
    if (IntegrationPattern.of(task.resource()) == IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
      ObjectNode withToken = ((ObjectNode) context.context()).deepCopy();
      withToken.putObject("Task").put("Token", taskToken(frame, eventCount + 1L));
      context =
          new EvaluationContext(
              frame.taskInput,
              withToken,
              frame.variables,
              JsonataSemantics.states(frame.rawInput, withToken, null, null),
              seed(frame));
    } else if (flow.jsonata()) {
      context = jsonata(frame, null, null);
    }
    return flow.jsonata()
        ? flow.field("Arguments").evaluate(context)
        : task.parameters().evaluate(context);
  }

  private Integer seconds(Integer fixed, JsonPath path, Frame frame, JsonNode value) {
    if (path == null) {
      return fixed;
    }
    // Step Functions words a missing timeout the way it words a missing InputPath.
    JsonNode found = path.select(context(frame, value), "InputPath");
    // A positive integer, as the specification requires: not a fraction such as 1.5 (which
    // canConvertToInt alone would truncate to 1), a string, a boolean or null.
    if (!StateSemantics.isPositiveInt(found)) {
      throw StatesException.runtime(
          "The value of " + path.text() + " must be a positive integer, but was " + found);
    }
    return found.intValue();
  }

  private static boolean isLegacyLambda(TaskState task) {
    return task.resource().startsWith("arn:aws:lambda:");
  }

  /**
   * The task event of this phase ({@code Succeeded}, ...) as a Task or a legacy Lambda names it.
   */
  private HistoryEventType taskEvent(Frame frame, String phase) {
    return HistoryEventType.of(
        (isLegacyLambda((TaskState) frame.state) ? "LambdaFunction" : "Task") + phase);
  }

  private void scheduleTask(Frame frame, TaskState task) {
    frame.effectiveInput = taskParameters(frame, task);
    boolean lambda = isLegacyLambda(task);
    ObjectNode scheduled = details();
    if (lambda) {
      scheduled.put("resource", task.resource());
      scheduled.set("input", frame.effectiveInput);
    } else {
      scheduled.put("resourceType", resourceType(task.resource()));
      scheduled.put("resource", resourceName(task.resource()));
      scheduled.put("region", "local");
      scheduled.set("parameters", frame.effectiveInput);
    }
    if (frame.timeoutSeconds != null) {
      scheduled.put("timeoutInSeconds", frame.timeoutSeconds);
    }
    if (frame.heartbeatSeconds != null) {
      scheduled.put("heartbeatInSeconds", frame.heartbeatSeconds);
    }
    HistoryEvent event =
        emit(
            lambda ? HistoryEventType.LAMBDA_FUNCTION_SCHEDULED : HistoryEventType.TASK_SCHEDULED,
            frame,
            scheduled);
    ObjectNode started = details();
    if (!lambda) {
      started.put("resourceType", resourceType(task.resource()));
      started.put("resource", resourceName(task.resource()));
    }
    HistoryEvent startedEvent =
        emit(
            lambda ? HistoryEventType.LAMBDA_FUNCTION_STARTED : HistoryEventType.TASK_STARTED,
            frame,
            started);
    awaiting(frame, Waiting.TASK);
    frame.pendingKey = event.id();
    frame.taskStartedAt = startedEvent.timestamp();
    String idempotencyKey =
        executionId
            + "/"
            + (frame.id.isEmpty() ? "-" : frame.id)
            + "/"
            + task.name()
            + "/"
            + frame.enteredEventId
            + "/"
            + frame.retryCount;
    frame.task =
        new TaskRequest(
            task.resource(),
            IntegrationPattern.of(task.resource()),
            frame.effectiveInput,
            executionId,
            task.name(),
            frame.retryCount,
            idempotencyKey,
            taskToken(frame, event.id()));
    commands.addAll(taskCommands(frame));
  }

  private List<Command> taskCommands(Frame frame) {
    List<Command> result = new ArrayList<>();
    result.add(new Command.Dispatch(frame.id, frame.pendingKey, frame.task));
    if (frame.timeoutSeconds != null) {
      result.add(
          new Command.ArmTimer(
              frame.id,
              frame.pendingKey,
              frame.taskStartedAt.plusSeconds(frame.timeoutSeconds),
              Command.TimerKind.TASK_TIMEOUT));
    }
    if (frame.heartbeatSeconds != null) {
      result.add(
          new Command.ArmTimer(
              frame.id,
              frame.pendingKey,
              frame.taskStartedAt.plusSeconds(frame.heartbeatSeconds),
              Command.TimerKind.HEARTBEAT_TIMEOUT));
    }
    return result;
  }

  /**
   * A task token names the execution, frame and task so that it stays valid across restarts.
   * (Tokens are not secrets here; the engine's API is local.)
   */
  private String taskToken(Frame frame, long key) {
    return taskToken(executionId, frame.id, key);
  }

  /** The token of the task {@code key} of a frame of an execution. */
  static String taskToken(String executionId, String frameId, long key) {
    String raw = executionId + "\n" + frameId + "\n" + key;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The parts of a task token, or null when it is not one. */
  static String[] parseTaskToken(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = raw.split("\n", -1);
      return parts.length == 3 ? parts : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String resourceType(String resource) {
    // arn:aws:states:::lambda:invoke -> lambda; arn:aws:states:::batch:submitJob.sync -> batch
    String[] parts = resource.split(":");
    return parts.length > 5 ? parts[5] : resource;
  }

  private static String resourceName(String resource) {
    String[] parts = resource.split(":", 7);
    return parts.length > 6 ? parts[6] : resource;
  }

  private void taskSucceeded(Frame frame, JsonNode result) {
    TaskState task = (TaskState) frame.state;
    if (result == null) {
      result = Json.NODES.nullNode();
    }
    if (!Json.fitsIn(result, PAYLOAD_LIMIT_BYTES)) {
      String name = isLegacyLambda(task) ? task.name() : resourceType(task.resource());
      taskFailed(
          frame,
          taskEvent(frame, "Failed"),
          StatesErrors.DATA_LIMIT_EXCEEDED,
          "The state/task '"
              + name
              + "' returned a result with a size exceeding the maximum number of bytes service"
              + " limit.");
      return;
    }
    ObjectNode details = details();
    if (!isLegacyLambda(task)) {
      details.put("resourceType", resourceType(task.resource()));
      details.put("resource", resourceName(task.resource()));
    }
    details.set("output", result);
    HistoryEvent event = emit(taskEvent(frame, "Succeeded"), frame, details);
    JsonNode recorded = event.details().get("output");
    frame.waiting = Waiting.NOTHING;
    try {
      exitWithResult(
          frame,
          recorded,
          task.resultSelector(),
          task.resultPath(),
          task.outputPath(),
          task.next());
    } catch (StatesException e) {
      stateFailed(frame, e.error(), e.cause(), false);
    }
  }

  private void taskFailed(
      Frame frame, HistoryEventType eventType, String taskError, String taskCause) {
    TaskState task = (TaskState) frame.state;
    ObjectNode details = details();
    if (!isLegacyLambda(task)) {
      details.put("resourceType", resourceType(task.resource()));
      details.put("resource", resourceName(task.resource()));
    }
    putIfNotNull(details, "error", StateSemantics.reported(taskError));
    putIfNotNull(details, "cause", taskCause);
    if (StatesErrors.HEARTBEAT_TIMEOUT.equals(taskError)) {
      // Recorded so that a replay matches Retry and Catch as the first run did.
      details.put(StateSemantics.HEARTBEAT_DETAIL, true);
    }
    HistoryEvent event = emit(eventType, frame, details);
    frame.waiting = Waiting.NOTHING;
    stateFailed(frame, taskError, event.text("cause"), true);
  }

  // ---------------------------------------------------------------- Parallel and Map

  private void runParallel(Frame frame, ParallelState parallel) {
    StateFlow flow = flow(frame);
    frame.effectiveInput =
        flow.jsonata()
            ? JsonataSemantics.valueOr(
                flow.field("Arguments"), jsonata(frame, null, null), frame.rawInput)
            : effectiveInput(frame, parallel.inputPath(), parallel.parameters());
    startParallel(frame, parallel);
  }

  private void startParallel(Frame frame, ParallelState parallel) {
    HistoryEvent started = emit(HistoryEventType.PARALLEL_STATE_STARTED, frame, details());
    Fanout fanout = new Fanout(false, parallel.branches().size(), started.id());
    frame.fanout = fanout;
    frame.waiting = Waiting.CHILDREN;
    frame.pendingKey = started.id();
    for (int i = 0; i < parallel.branches().size(); i++) {
      StateMachine branch = parallel.branches().get(i);
      Frame child = childFrame(frame, branch, i, "b");
      fanout.children.add(child);
      JsonNode branchInput = frame.effectiveInput;
      agenda.add(() -> enterState(child, branch.startAt(), branchInput));
    }
    if (parallel.branches().isEmpty()) {
      completeFanout(frame);
    }
  }

  private Frame childFrame(Frame parent, StateMachine childMachine, int index, String kind) {
    Fanout fanout = parent.fanout;
    if (fanout.childPrefix == null) {
      StringBuilder prefix = new StringBuilder();
      if (!parent.id.isEmpty()) {
        prefix.append(parent.id).append('/');
      }
      fanout.childPrefix = prefix.append(fanout.startedEventId).append(kind).toString();
    }
    Frame child =
        new Frame(fanout.childPrefix.concat(Integer.toString(index)), parent, childMachine, index);
    // A branch or iteration sees the variables of the scopes around it, and assigns its own.
    child.variables = parent.variables.inner();
    // Not registered in `frames` yet: only a frame waiting for a task or a timer is looked up by
    // its id (see awaiting), and most iterations never wait.
    return child;
  }

  /**
   * Marks a frame as waiting for a task's result or a timer, registering it so that the trigger
   * that ends the wait (or a replay, or the execution's end) finds it by its id.
   */
  private void awaiting(Frame frame, Waiting kind) {
    frame.waiting = kind;
    if (!frame.registered) {
      frame.registered = true;
      frames.put(frame.id, frame);
    }
  }

  /** Forgets a branch or iteration that has ended: nothing will look it up again. */
  private void ended(Frame child) {
    child.active = false;
    if (child.registered) {
      child.registered = false;
      frames.remove(child.id);
    }
  }

  private void runMap(Frame frame, MapState map) {
    StateFlow flow = flow(frame);
    if (flow.jsonata()) {
      runJsonataMap(frame, map, flow);
      return;
    }
    JsonNode effective = map.inputPath().apply(context(frame, frame.rawInput), "InputPath");
    EvaluationContext context = context(frame, effective);
    JsonNode items =
        map.itemsPath() == null ? effective : map.itemsPath().select(context, "ItemsPath");
    if (items == null || !items.isArray()) {
      throw StateSemantics.itemsNotArray(map.itemsPath());
    }
    StateSemantics.MapLimits limits = StateSemantics.mapLimits(map, context);
    frame.effectiveInput = effective;
    frame.mapItems = (ArrayNode) items;
    frame.maxConcurrency = limits.maxConcurrency();
    frame.limits = limits;
    startMap(frame, map);
  }

  private void startMap(Frame frame, MapState map) {
    ObjectNode details = details();
    details.put("length", frame.mapItems.size());
    HistoryEvent started = emit(HistoryEventType.MAP_STATE_STARTED, frame, details);
    Fanout fanout = new Fanout(true, frame.mapItems.size(), started.id());
    frame.fanout = fanout;
    frame.waiting = Waiting.CHILDREN;
    frame.pendingKey = started.id();
    if (frame.mapItems.isEmpty()) {
      completeFanout(frame);
      return;
    }
    int first =
        frame.maxConcurrency == 0 ? fanout.total : Math.min(frame.maxConcurrency, fanout.total);
    for (int i = 0; i < first; i++) {
      startIteration(frame, map);
    }
  }

  private void startIteration(Frame frame, MapState map) {
    Fanout fanout = frame.fanout;
    int index = fanout.nextToStart++;
    fanout.running++;
    ObjectNode details = details();
    details.put("name", map.name());
    details.put("index", index);
    emit(HistoryEventType.MAP_ITERATION_STARTED, frame, details);
    JsonNode item = frame.mapItems.get(index);
    Frame child = childFrame(frame, map.itemProcessor(), index, "i");
    fanout.children.add(child);
    agenda.add(
        () -> {
          if (!child.active) {
            return;
          }
          JsonNode iterationInput;
          try {
            iterationInput = iterationInput(frame, map, index, item);
          } catch (StatesException e) {
            child.active = false;
            fanout.running--;
            stateFailed(frame, e.error(), e.cause(), false);
            return;
          }
          enterState(child, map.itemProcessor().startAt(), iterationInput);
        });
  }

  private void runJsonataMap(Frame frame, MapState map, StateFlow flow) {
    EvaluationContext context = jsonata(frame, null, null);
    ArrayNode items = JsonataSemantics.mapItems(flow, context, frame.rawInput);
    StateSemantics.MapLimits limits = JsonataSemantics.mapLimits(flow, map, context);
    frame.effectiveInput = frame.rawInput;
    frame.mapItems = items;
    frame.maxConcurrency = limits.maxConcurrency();
    frame.limits = limits;
    startMap(frame, map);
  }

  private JsonNode iterationInput(Frame frame, MapState map, int index, JsonNode item) {
    StateFlow flow = flow(frame);
    boolean jsonata = flow.jsonata();
    if (jsonata ? flow.field("ItemSelector") == null : map.itemSelector() == null) {
      return item;
    }
    ObjectNode context = ((ObjectNode) context(frame, frame.effectiveInput).context()).deepCopy();
    ObjectNode mapItem = context.putObject("Map").putObject("Item");
    mapItem.put("Index", index);
    mapItem.set("Value", item);
    if (jsonata) {
      EvaluationContext evaluation =
          new EvaluationContext(
              frame.rawInput,
              context,
              frame.variables,
              JsonataSemantics.states(frame.rawInput, context, null, null),
              seed(frame) * 31 + index);
      return flow.field("ItemSelector").evaluate(evaluation);
    }
    return map.itemSelector()
        .evaluate(new EvaluationContext(frame.effectiveInput, context, frame.variables, null, 0));
  }

  private void childSucceeded(Frame child, JsonNode childOutput) {
    Frame parent = child.parent;
    Fanout fanout = parent.fanout;
    ended(child);
    if (!parent.active || fanout == null || fanout.closed) {
      return;
    }
    fanout.results[child.index] = childOutput;
    fanout.done++;
    if (fanout.map) {
      fanout.running--;
      ObjectNode details = details();
      details.put("name", parent.state.name());
      details.put("index", child.index);
      emit(HistoryEventType.MAP_ITERATION_SUCCEEDED, parent, details);
      startMoreIterations(parent);
    }
    if (fanout.done == fanout.total) {
      completeFanout(parent);
    }
  }

  private void startMoreIterations(Frame parent) {
    Fanout fanout = parent.fanout;
    while (fanout.nextToStart < fanout.total
        && (parent.maxConcurrency == 0 || fanout.running < parent.maxConcurrency)) {
      startIteration(parent, (MapState) parent.state);
    }
  }

  private void childFailed(Frame child, String childError, String childCause) {
    Frame parent = child.parent;
    Fanout fanout = parent.fanout;
    ended(child);
    if (!parent.active || fanout == null || fanout.closed) {
      return;
    }
    if (!fanout.map) {
      closeFanout(parent);
      ObjectNode details = details();
      putIfNotNull(details, "error", childError);
      putIfNotNull(details, "cause", childCause);
      emit(HistoryEventType.PARALLEL_STATE_FAILED, parent, details);
      stateFailed(parent, childError, childCause, true);
      return;
    }
    fanout.running--;
    fanout.failed++;
    fanout.done++;
    ObjectNode details = details();
    details.put("name", parent.state.name());
    details.put("index", child.index);
    emit(HistoryEventType.MAP_ITERATION_FAILED, parent, details);
    boolean tolerant = parent.limits.tolerant();
    if (!tolerant || parent.limits.exceeded(fanout.failed, fanout.total)) {
      closeFanout(parent);
      String mapError = tolerant ? StatesErrors.EXCEED_TOLERATED_FAILURE_THRESHOLD : childError;
      String mapCause = tolerant ? StateSemantics.TOLERANCE_EXCEEDED_CAUSE : childCause;
      ObjectNode failed = details();
      putIfNotNull(failed, "error", mapError);
      putIfNotNull(failed, "cause", mapCause);
      emit(HistoryEventType.MAP_STATE_FAILED, parent, failed);
      stateFailed(parent, mapError, mapCause, true);
      return;
    }
    ObjectNode errorOutput = Json.object();
    putIfNotNull(errorOutput, "Error", childError);
    putIfNotNull(errorOutput, "Cause", childCause);
    fanout.results[child.index] = errorOutput;
    startMoreIterations(parent);
    if (fanout.done == fanout.total) {
      completeFanout(parent);
    }
  }

  /**
   * Ends a fan-out early: its running branches or iterations are abandoned and their tasks
   * cancelled.
   */
  private void closeFanout(Frame parent) {
    parent.fanout.closed = true;
    for (Frame child : parent.fanout.children) {
      deactivate(child);
    }
  }

  private void deactivate(Frame frame) {
    if (!frame.active) {
      return;
    }
    frame.active = false;
    if (frame.waiting == Waiting.TASK && frame.task != null) {
      commands.add(new Command.Cancel(frame.task));
    }
    if (frame.fanout != null) {
      for (Frame child : frame.fanout.children) {
        deactivate(child);
      }
    }
  }

  private void completeFanout(Frame frame) {
    Fanout fanout = frame.fanout;
    fanout.closed = true;
    ArrayNode results = Json.NODES.arrayNode(fanout.total);
    for (JsonNode result : fanout.results) {
      results.add(result == null ? Json.NODES.nullNode() : result);
    }
    emit(
        fanout.map
            ? HistoryEventType.MAP_STATE_SUCCEEDED
            : HistoryEventType.PARALLEL_STATE_SUCCEEDED,
        frame,
        details());
    frame.waiting = Waiting.NOTHING;
    try {
      PayloadTemplate selector;
      ResultPathSpec resultPath;
      IoPath outputPath;
      String next;
      if (frame.state instanceof MapState map) {
        selector = map.resultSelector();
        resultPath = map.resultPath();
        outputPath = map.outputPath();
        next = map.next();
      } else {
        ParallelState parallel = (ParallelState) frame.state;
        selector = parallel.resultSelector();
        resultPath = parallel.resultPath();
        outputPath = parallel.outputPath();
        next = parallel.next();
      }
      exitWithResult(frame, results, selector, resultPath, outputPath, next);
    } catch (StatesException e) {
      stateFailed(frame, e.error(), e.cause(), false);
    }
  }

  // ---------------------------------------------------------------- errors, retries, catches

  /**
   * A state failed: retry it, catch the error, or fail its frame. {@code States.Runtime} errors are
   * neither retried nor caught, as in Step Functions.
   *
   * @param recorded true when the error is already in the history (a task's or a branch's failure)
   */
  private void stateFailed(Frame frame, String stateError, String stateCause, boolean recorded) {
    if (!frame.active) {
      return;
    }
    State state = frame.state;
    if (!recorded && StatesErrors.QUERY_EVALUATION_ERROR.equals(stateError)) {
      // Worded like Step Functions, which names the state even when the error is caught.
      stateCause = prefixed(frame, stateCause);
      recorded = true;
    }
    if (!StateSemantics.recoverable(stateError)) {
      // Recorded errors come from a task or a branch, already worded; only the state's own data
      // flow errors get the prefix that names the state.
      frameFailed(frame, stateError, recorded ? stateCause : prefixed(frame, stateCause));
      return;
    }
    List<Retrier> retriers = StateSemantics.retriers(state);
    for (int i = 0; i < retriers.size(); i++) {
      Retrier retrier = retriers.get(i);
      if (!StateSemantics.matches(retrier.errorEquals(), stateError, state)) {
        continue;
      }
      if (frame.retriesByRetrier[i] < retrier.maxAttempts()) {
        scheduleRetry(frame, retrier, frame.retriesByRetrier[i]);
        frame.retriesByRetrier[i]++;
        return;
      }
      break;
    }
    List<Catcher> catchers = StateSemantics.catchers(state);
    for (int i = 0; i < catchers.size(); i++) {
      Catcher catcher = catchers.get(i);
      if (StateSemantics.matches(catcher.errorEquals(), stateError, state)) {
        ObjectNode errorOutput =
            StateSemantics.errorOutput(StateSemantics.reported(stateError), stateCause);
        StateFlow flow = flow(frame);
        StateFlow.Rule rule = flow.catcher(i);
        JsonNode caughtOutput;
        try {
          if (flow.jsonata()) {
            EvaluationContext context = jsonata(frame, null, errorOutput);
            frame.pendingAssign = JsonataSemantics.assignments(rule.assign(), context);
            caughtOutput = JsonataSemantics.valueOr(rule.output(), context, errorOutput);
          } else {
            frame.pendingAssign =
                JsonataSemantics.assignments(rule.assign(), context(frame, errorOutput));
            caughtOutput = catcher.resultPath().apply(frame.rawInput, errorOutput);
          }
        } catch (StatesException e) {
          frameFailed(
              frame,
              e.error(),
              StatesErrors.QUERY_EVALUATION_ERROR.equals(e.error())
                  ? prefixed(frame, e.cause())
                  : e.cause());
          return;
        }
        exitState(frame, caughtOutput, catcher.next());
        return;
      }
    }
    frameFailed(frame, StateSemantics.reported(stateError), stateCause);
  }

  private String prefixed(Frame frame, String message) {
    String prefix =
        "An error occurred while executing the state '"
            + frame.state.name()
            + "' (entered at the event id #"
            + frame.enteredEventId
            + ").";
    return message == null || message.isEmpty() ? prefix : prefix + " " + message;
  }

  private void scheduleRetry(Frame frame, Retrier retrier, int retriesSoFar) {
    double delaySeconds = StateSemantics.retryDelaySeconds(retrier, retriesSoFar);
    if (retrier.jitter() == Retrier.Jitter.FULL) {
      // Seeded by the execution and the failure, so a replay computes the same delay.
      long seed = executionId.hashCode() * 31L + eventCount;
      delaySeconds = new SplittableRandom(seed).nextDouble() * delaySeconds;
    }
    HistoryEvent last = lastEvent;
    Instant due = last.timestamp().plus(Duration.ofMillis(Math.round(delaySeconds * 1000)));
    frame.retryCount++;
    frame.context = null;
    awaiting(frame, Waiting.TIMER);
    frame.timerKind = Command.TimerKind.RETRY;
    frame.pendingKey = last.id();
    frame.dueAt = due;
    commands.add(new Command.ArmTimer(frame.id, frame.pendingKey, due, Command.TimerKind.RETRY));
  }

  private void retryState(Frame frame) {
    frame.waiting = Waiting.NOTHING;
    try {
      switch (frame.state) {
        case TaskState task -> scheduleTask(frame, task);
        case ParallelState parallel -> startParallel(frame, parallel);
        case MapState map -> startMap(frame, map);
        default -> throw new IllegalStateException("only Task, Parallel and Map states retry");
      }
    } catch (StatesException e) {
      stateFailed(frame, e.error(), e.cause(), false);
    }
  }

  private void frameSucceeded(Frame frame, JsonNode frameOutput) {
    if (frame.parent == null) {
      ObjectNode details = details();
      details.set("output", frameOutput);
      HistoryEvent event = emit(HistoryEventType.EXECUTION_SUCCEEDED, null, details);
      finish(
          ExecutionStatus.SUCCEEDED, event.details().get("output"), null, null, event.timestamp());
    } else {
      childSucceeded(frame, frameOutput);
    }
  }

  private void frameFailed(Frame frame, String frameError, String frameCause) {
    if (frame.parent == null) {
      failExecution(frameError, frameCause);
    } else {
      childFailed(frame, frameError, frameCause);
    }
  }

  // ---------------------------------------------------------------- data flow

  private JsonNode effectiveInput(Frame frame, IoPath inputPath, PayloadTemplate parameters) {
    JsonNode afterInputPath = select(frame, inputPath, frame.rawInput, "InputPath");
    return parameters == null
        ? afterInputPath
        : parameters.evaluate(context(frame, afterInputPath));
  }

  /**
   * Ends a Task, Parallel or Map state that produced {@code result}: JSONPath's ResultSelector,
   * ResultPath and OutputPath, or JSONata's Output; and the state's Assign in either.
   */
  private void exitWithResult(
      Frame frame,
      JsonNode result,
      PayloadTemplate resultSelector,
      ResultPathSpec resultPath,
      IoPath outputPath,
      String next) {
    StateFlow flow = flow(frame);
    if (flow.jsonata()) {
      EvaluationContext context = jsonata(frame, result, null);
      frame.pendingAssign = JsonataSemantics.assignments(flow.assign(), context);
      exitState(frame, JsonataSemantics.valueOr(flow.field("Output"), context, result), next);
      return;
    }
    JsonNode selected =
        resultSelector == null ? result : resultSelector.evaluate(context(frame, result));
    frame.pendingAssign = JsonataSemantics.assignments(flow.assign(), context(frame, selected));
    exitState(frame, finalOutput(frame, selected, resultPath, outputPath), next);
  }

  private StateFlow flow(Frame frame) {
    return frame.machine.flow(frame.state.name());
  }

  /**
   * The evaluation context of a JSONata state: {@code $states} with the state's raw input and
   * context object, and the result or error output where there is one.
   */
  private EvaluationContext jsonata(Frame frame, JsonNode result, JsonNode errorOutput) {
    JsonNode contextObject = contextObject(frame);
    return new EvaluationContext(
        frame.rawInput,
        contextObject,
        frame.variables,
        JsonataSemantics.states(frame.rawInput, contextObject, result, errorOutput),
        seed(frame));
  }

  /**
   * What $random and $uuid derive their values from: the same for a state attempt on every replay,
   * different for every state, attempt and execution.
   */
  private long seed(Frame frame) {
    long seed = executionId.hashCode();
    seed = seed * 31 + frame.id.hashCode();
    seed = seed * 31 + frame.enteredEventId;
    return seed * 31 + frame.retryCount;
  }

  private JsonNode finalOutput(
      Frame frame, JsonNode result, ResultPathSpec resultPath, IoPath outputPath) {
    JsonNode combined = resultPath.apply(frame.rawInput, result);
    return select(frame, outputPath, combined, "OutputPath");
  }

  /**
   * Applies InputPath or OutputPath; {@code $}, the usual value, selects the whole value without an
   * evaluation context (one object and one lambda fewer per state).
   */
  private JsonNode select(Frame frame, IoPath path, JsonNode value, String field) {
    return path == IoPath.WHOLE ? value : path.apply(context(frame, value), field);
  }

  /**
   * The evaluation context of a frame's current state. The context object is built once per state
   * and only when something reads it ({@code $$} in a path, a task token, JSONata's {@code
   * $states.context}): most states never do, and building it for each was a large part of a Pass
   * state's cost.
   */
  private EvaluationContext context(Frame frame, JsonNode value) {
    return EvaluationContext.lazy(value, () -> contextObject(frame), frame.variables);
  }

  /** The context object {@code $$} of a frame's current state. */
  private ObjectNode contextObject(Frame frame) {
    if (frame.context == null) {
      ObjectNode context = Json.object();
      context.set("Execution", executionContext);
      context.set("StateMachine", stateMachineContext);
      ObjectNode stateNode = context.putObject("State");
      stateNode.put("EnteredTime", frame.enteredTime.toString());
      stateNode.put("Name", frame.state.name());
      if (!StateSemantics.retriers(frame.state).isEmpty()) {
        // Step Functions shows RetryCount only in states that can retry.
        stateNode.put("RetryCount", frame.retryCount);
      }
      frame.context = context;
    }
    return frame.context;
  }

  /** The event of entering {@code state}, without building its name from the type's text. */
  private static HistoryEventType enteredEvent(State state) {
    return ENTERED.get(state.getClass());
  }

  /** The event of leaving {@code state}. */
  private static HistoryEventType exitedEvent(State state) {
    return EXITED.get(state.getClass());
  }

  // ---------------------------------------------------------------- recovery and queries

  private List<Command> outstandingCommands() {
    List<Command> outstanding = new ArrayList<>();
    if (status.isFinal()) {
      return outstanding;
    }
    if (machine.timeoutSeconds() != null) {
      outstanding.add(
          new Command.ArmTimer(
              ROOT,
              0,
              startDate.plusSeconds(machine.timeoutSeconds()),
              Command.TimerKind.EXECUTION_TIMEOUT));
    }
    for (Frame frame : frames.values()) {
      if (!frame.active) {
        continue;
      }
      if (frame.waiting == Waiting.TASK) {
        outstanding.addAll(taskCommands(frame));
      } else if (frame.waiting == Waiting.TIMER) {
        outstanding.add(
            new Command.ArmTimer(frame.id, frame.pendingKey, frame.dueAt, frame.timerKind));
      }
    }
    return outstanding;
  }

  /** The execution as it stands. */
  ExecutionDescription describe() {
    return new ExecutionDescription(
        executionId,
        executionName,
        stateMachineName,
        status,
        startDate,
        stopDate,
        input,
        output,
        error,
        cause);
  }

  ExecutionStatus status() {
    return status;
  }

  /** What a frame is waiting for. */
  private enum Waiting {
    NOTHING,
    TASK,
    TIMER,
    CHILDREN
  }

  /**
   * A thread of control: the top level, a Parallel branch or a Map iteration. Mutable; owned by the
   * interpreter.
   */
  private static final class Frame {
    final String id;
    final Frame parent;
    final StateMachine machine;
    final int index;
    boolean active = true;
    boolean registered;

    Variables variables = Variables.NONE;
    Map<String, JsonNode> pendingAssign = Map.of();
    JsonNode pendingOutput;

    State state;
    JsonNode rawInput;
    JsonNode effectiveInput;
    JsonNode taskInput;
    long enteredEventId;
    Instant enteredTime;
    ObjectNode context;
    int retryCount;
    int[] retriesByRetrier = NO_RETRIES;

    Waiting waiting = Waiting.NOTHING;
    long pendingKey = -1;
    Instant dueAt;
    Command.TimerKind timerKind;
    TaskRequest task;
    Instant taskStartedAt;
    Integer timeoutSeconds;
    Integer heartbeatSeconds;

    Fanout fanout;
    ArrayNode mapItems;
    int maxConcurrency;
    StateSemantics.MapLimits limits;

    Frame(String id, Frame parent, StateMachine machine, int index) {
      this.id = id;
      this.parent = parent;
      this.machine = machine;
      this.index = index;
    }
  }

  /** The branches or iterations a Parallel or Map state is running. */
  private static final class Fanout {
    final boolean map;
    final int total;
    final long startedEventId;
    final JsonNode[] results;
    String childPrefix;
    final List<Frame> children = new ArrayList<>();
    int nextToStart;
    int running;
    int done;
    int failed;
    boolean closed;

    Fanout(boolean map, int total, long startedEventId) {
      this.map = map;
      this.total = total;
      this.startedEventId = startedEventId;
      this.results = new JsonNode[total];
    }
  }
}
