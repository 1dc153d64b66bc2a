package dev.cairn.engine.teststate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.definition.Catcher;
import dev.cairn.engine.definition.ChoiceState;
import dev.cairn.engine.definition.DefinitionParser;
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
import dev.cairn.engine.execution.JsonataSemantics;
import dev.cairn.engine.execution.StateSemantics;
import dev.cairn.engine.expression.JsonataTemplate;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.PayloadTemplate;
import dev.cairn.engine.path.Variables;
import dev.cairn.engine.task.IntegrationPattern;
import dev.cairn.engine.task.TaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.engine.task.TaskRequest;
import dev.cairn.engine.teststate.TestStateRequest.Mock;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Step Functions' TestState API for JSONPath states: evaluates one state on one input, without an
 * execution, and reports its status, output, next state and (at DEBUG and TRACE level) the value
 * after each data flow step.
 *
 * <p>The work of Task, Map and Parallel states is not done: it is simulated by the request's mock
 * (its result, or its error). A Task without a mock calls its task handler when one is registered
 * for its resource (blocking until it ends); otherwise it cannot be tested. Wait states do not
 * wait. Retry and Catch are judged once: the request's state configuration says how often the state
 * was retried already, and a retriable error is reported as RETRIABLE instead of being retried.
 *
 * <p>Thread-safe: every call evaluates independently.
 */
public final class TestState {
  /**
   * The name a single-state definition is tested under; Step Functions' TestState reports the same
   * in {@code $$.State.Name}.
   */
  public static final String SINGLE_STATE_NAME = "StateName";

  private static final String EXECUTION_NAME = "test-state";
  private static final String MACHINE_NAME = "TestStateMachine";

  private final Clock clock;
  private final TaskHandlers handlers;

  /** A TestState without task handlers: Task states can only be tested with a mock. */
  public TestState(Clock clock) {
    this(clock, new TaskHandlers());
  }

  /**
   * A TestState that calls the task handlers of Task states tested without a mock.
   *
   * @param clock the time for the generated context object
   * @param handlers the task handlers
   */
  public TestState(Clock clock, TaskHandlers handlers) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.handlers = Objects.requireNonNull(handlers, "handlers");
  }

  /**
   * Tests one state.
   *
   * @throws dev.cairn.engine.definition.InvalidDefinitionException when the definition is not a
   *     valid JSONPath state or state machine
   * @throws IllegalArgumentException when the state cannot be tested as requested: it is not in the
   *     machine, or its work has neither a mock nor (for a Task) a task handler
   */
  public TestStateResult test(TestStateRequest request) {
    Objects.requireNonNull(request, "request");
    Located located = stateUnderTest(request.definition(), request.stateName());
    State state = located.state();
    requireSimulatedWork(state, request.mock());
    return new Evaluation(
            request, state, located.machine().flow(state.name()), contextObject(request, state))
        .run();
  }

  /**
   * Checked before anything is evaluated, so that a request that cannot work is refused whatever
   * the input: Map and Parallel need a mock, a Task a mock or a task handler that ends by itself.
   */
  private void requireSimulatedWork(State state, Mock mock) {
    if (mock != null) {
      return;
    }
    switch (state) {
      case TaskState task -> {
        boolean handled = handlers.find(task.resource()).isPresent();
        if (!handled
            || IntegrationPattern.of(task.resource()) == IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
          throw new IllegalArgumentException(
              "the Task state '"
                  + task.name()
                  + "' needs a mock: "
                  + (handled
                      ? "a .waitForTaskToken task only ends when its token is reported"
                      : "no task handler is registered for " + task.resource()));
        }
      }
      case MapState map -> throw needsMock("Map", map.name());
      case ParallelState parallel -> throw needsMock("Parallel", parallel.name());
      default -> {}
    }
  }

  private static IllegalArgumentException needsMock(String type, String name) {
    return new IllegalArgumentException(
        "the " + type + " state '" + name + "' needs a mock: its work is not done here");
  }

  // ---------------------------------------------------------------- finding the state

  /** The state under test and the machine (or branch, or item processor) it belongs to. */
  private record Located(State state, StateMachine machine) {}

  private static Located stateUnderTest(JsonNode definition, String stateName) {
    if (!definition.isObject()) {
      throw new IllegalArgumentException(
          "the definition must be a JSON object: a state, or a state machine with States");
    }
    if (!definition.has("States")) {
      if (stateName != null) {
        throw new IllegalArgumentException(
            "stateName is only for a whole state machine, but the definition is a single state");
      }
      StateMachine machine =
          DefinitionParser.parseWithSimulatedItemReaders(machineAround(definition));
      return new Located(machine.state(SINGLE_STATE_NAME), machine);
    }
    StateMachine machine = DefinitionParser.parseWithSimulatedItemReaders(definition);
    String name = stateName == null ? machine.startAt() : stateName;
    return find(machine, name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the state machine has no state named '" + name + "'"));
  }

  /**
   * A machine whose first state is the one given: the states it transitions to are stand-ins, so
   * that its transitions validate without their targets being part of the test.
   */
  private static ObjectNode machineAround(JsonNode state) {
    ObjectNode machine = Json.object();
    machine.put("StartAt", SINGLE_STATE_NAME);
    ObjectNode states = machine.putObject("States");
    states.set(SINGLE_STATE_NAME, state);
    for (String target : transitionTargets(state)) {
      if (!target.equals(SINGLE_STATE_NAME)) {
        states.putObject(target).put("Type", "Succeed");
      }
    }
    return machine;
  }

  private static Set<String> transitionTargets(JsonNode state) {
    Set<String> targets = new LinkedHashSet<>();
    addText(targets, state.path("Next"));
    addText(targets, state.path("Default"));
    state.path("Choices").forEach(choice -> addText(targets, choice.path("Next")));
    state.path("Catch").forEach(catcher -> addText(targets, catcher.path("Next")));
    return targets;
  }

  private static void addText(Set<String> names, JsonNode value) {
    if (value.isTextual()) {
      names.add(value.asText());
    }
  }

  /** Finds a state by name, also inside Parallel branches and Map item processors. */
  private static Optional<Located> find(StateMachine machine, String name) {
    State state = machine.states().get(name);
    if (state != null) {
      return Optional.of(new Located(state, machine));
    }
    for (State candidate : machine.states().values()) {
      List<StateMachine> nested =
          switch (candidate) {
            case ParallelState parallel -> parallel.branches();
            case MapState map -> List.of(map.itemProcessor());
            default -> List.of();
          };
      for (StateMachine inner : nested) {
        Optional<Located> found = find(inner, name);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The request's context object, or one like an execution's: TestState runs no execution, so its
   * ids name a stand-in one.
   */
  private ObjectNode contextObject(TestStateRequest request, State state) {
    if (request.context() != null) {
      if (!request.context().isObject()) {
        throw new IllegalArgumentException("the context must be a JSON object");
      }
      return (ObjectNode) request.context();
    }
    String now = clock.instant().toString();
    ObjectNode context = Json.object();
    ObjectNode execution = context.putObject("Execution");
    // TestState evaluates like an express execution, whose ARN Step Functions shows.
    execution.put(
        "Id", "arn:aws:states:local:000000000000:express:" + MACHINE_NAME + ":" + EXECUTION_NAME);
    execution.set("Input", request.input());
    execution.put("Name", EXECUTION_NAME);
    execution.put("RoleArn", "arn:aws:iam::000000000000:role/cairn-local");
    execution.put("StartTime", now);
    ObjectNode machine = context.putObject("StateMachine");
    machine.put("Id", "arn:aws:states:local:000000000000:stateMachine:" + MACHINE_NAME);
    machine.put("Name", MACHINE_NAME);
    ObjectNode stateNode = context.putObject("State");
    stateNode.put("EnteredTime", now);
    stateNode.put("Name", state.name());
    if (state instanceof TaskState || state instanceof MapState || state instanceof ParallelState) {
      // Step Functions shows RetryCount only in the context of states that can retry.
      stateNode.put("RetryCount", request.stateConfiguration().retrierRetryCount());
    }
    return context;
  }

  // ---------------------------------------------------------------- evaluating it

  /** One evaluation: the state, its raw input and the inspection data collected so far. */
  private final class Evaluation {
    private final TestStateRequest request;
    private final State state;
    private final StateFlow flow;
    private final ObjectNode context;
    private final JsonNode rawInput;
    private final Variables variables;
    private final ObjectNode inspection = Json.object();

    /** The variables after the state: those of the request and those the state assigned. */
    private Variables after;

    Evaluation(TestStateRequest request, State state, StateFlow flow, ObjectNode context) {
      this.request = request;
      this.state = state;
      this.flow = flow;
      this.context = context;
      this.rawInput = request.input();
      this.variables = Variables.of(request.variables());
      this.after = variables;
    }

    TestStateResult run() {
      inspect("input", rawInput);
      try {
        if (flow.jsonata()) {
          return jsonata();
        }
        return switch (state) {
          case PassState pass -> pass(pass);
          case TaskState task -> task(task);
          case ChoiceState choice -> choice(choice);
          case WaitState wait -> passThrough(wait.inputPath(), wait.outputPath(), wait.next());
          case SucceedState succeed -> passThrough(IoPath.WHOLE, IoPath.WHOLE, null);
          case FailState fail -> fail(fail);
          case ParallelState parallel -> parallel(parallel);
          case MapState map -> map(map);
        };
      } catch (StatesException e) {
        return failed(e.error(), e.cause());
      }
    }

    /** Records a step's value; INFO level records nothing. */
    private void inspect(String field, JsonNode value) {
      if (request.inspectionLevel() != InspectionLevel.INFO) {
        inspection.set(field, value);
      }
    }

    private EvaluationContext at(JsonNode value) {
      return new EvaluationContext(value, context, variables, null, 0);
    }

    /** JSONata's context: {@code $states} with the input, and the result or error output. */
    private EvaluationContext states(JsonNode result, JsonNode errorOutput) {
      return new EvaluationContext(
          rawInput,
          context,
          variables,
          JsonataSemantics.states(rawInput, context, result, errorOutput),
          0);
    }

    /** Notes the variables a state assigns, which the result reports with the others. */
    private void assigned(Map<String, JsonNode> assignments) {
      after = variables.assign(assignments);
    }

    /**
     * Reports the variables after the state (DEBUG and TRACE), as Step Functions does: those the
     * request gave and those the state assigned; nothing when there are none.
     */
    private void inspectVariables() {
      if (!after.isEmpty()) {
        ObjectNode all = Json.object();
        after.visible().forEach(all::set);
        inspect("variables", all);
      }
    }

    /** A JSONata state: Arguments, the mocked work, Output and Assign. */
    private TestStateResult jsonata() {
      EvaluationContext entry = states(null, null);
      JsonataTemplate output = flow.field("Output");
      String next;
      JsonNode result = null;
      switch (state) {
        case TaskState task -> {
          JsonataSemantics.integer(
              flow.field("TimeoutSeconds"), "TimeoutSeconds", entry, task.timeoutSeconds(), 1);
          JsonataSemantics.integer(
              flow.field("HeartbeatSeconds"),
              "HeartbeatSeconds",
              entry,
              task.heartbeatSeconds(),
              1);
          JsonNode arguments = arguments(entry);
          result = taskResult(task, arguments);
          inspect("result", result);
          next = task.next();
        }
        case ParallelState parallel -> {
          // Evaluated for its errors only: Step Functions does not show it for a mocked Parallel.
          JsonataSemantics.valueOr(flow.field("Arguments"), entry, rawInput);
          result = mocked(request.mock());
          next = parallel.next();
        }
        case MapState map -> {
          result = jsonataMap(entry);
          next = map.next();
        }
        case ChoiceState choice -> {
          next = choice.defaultNext();
          StateFlow.Rule chosen = new StateFlow.Rule(null, flow.assign(), output);
          for (int i = 0; i < choice.choices().size(); i++) {
            if (JsonataSemantics.condition(flow.choice(i).condition(), entry)) {
              next = choice.choices().get(i).next();
              chosen = flow.choice(i);
              break;
            }
          }
          if (next == null) {
            throw new StatesException(StatesErrors.NO_CHOICE_MATCHED, "No Matches!");
          }
          Map<String, JsonNode> assignments = JsonataSemantics.assignments(chosen.assign(), entry);
          JsonNode out = JsonataSemantics.valueOr(chosen.output(), entry, rawInput);
          assigned(assignments);
          return succeeded(out, next);
        }
        case FailState fail -> {
          String error =
              flow.field("Error") == null
                  ? fail.error()
                  : JsonataSemantics.text(flow.field("Error"), "Error", entry);
          String cause =
              flow.field("Cause") == null
                  ? fail.cause()
                  : JsonataSemantics.text(flow.field("Cause"), "Cause", entry);
          return new TestStateResult(TestStatus.FAILED, null, error, cause, null, inspection);
        }
        case WaitState wait -> {
          if (flow.field("Seconds") != null) {
            JsonataSemantics.integer(
                flow.field("Seconds"), "Seconds", entry, null, 0, WaitState.MAX_SECONDS);
          } else if (flow.field("Timestamp") != null) {
            JsonataSemantics.timestamp(flow.field("Timestamp"), entry);
          }
          next = wait.next();
        }
        case PassState pass -> next = pass.next();
        case SucceedState succeed -> next = null;
      }
      EvaluationContext after = result == null ? entry : states(result, null);
      Map<String, JsonNode> assignments = JsonataSemantics.assignments(flow.assign(), after);
      JsonNode out = JsonataSemantics.valueOr(output, after, result == null ? rawInput : result);
      assigned(assignments);
      return succeeded(out, next);
    }

    private JsonNode arguments(EvaluationContext entry) {
      JsonataTemplate arguments = flow.field("Arguments");
      if (arguments == null) {
        return rawInput;
      }
      JsonNode value = arguments.evaluate(entry);
      inspect("afterArguments", value);
      return value;
    }

    /** A JSONata Map: its Items and limits, then the mocked result judged against them. */
    private JsonNode jsonataMap(EvaluationContext entry) {
      MapState map = (MapState) state;
      JsonNode items = readerItems();
      if (items == null) {
        items = JsonataSemantics.valueOr(flow.field("Items"), entry, rawInput);
      }
      // Items are checked before the limits are evaluated, as in an execution.
      int size = JsonataSemantics.requireItemsArray(flow, items).size();
      return mapResult(JsonataSemantics.mapLimits(flow, map, entry), size);
    }

    /**
     * The items of a Map state with an ItemReader: the request's {@code mapItemReaderData}; null
     * without an ItemReader.
     */
    private JsonNode readerItems() {
      if (flow.field("ItemReader") == null) {
        return null;
      }
      JsonNode data = request.stateConfiguration().mapItemReaderData();
      if (data == null || !data.isArray()) {
        throw new IllegalArgumentException(
            "the Map state '"
                + state.name()
                + "' reads its items with an ItemReader: give them as the state configuration's"
                + " mapItemReaderData (a JSON array)");
      }
      return data;
    }

    /** Reports a Map's limits, then its mocked result unless too many iterations failed. */
    private JsonNode mapResult(StateSemantics.MapLimits limits, int items) {
      inspect("maxConcurrency", Json.NODES.numberNode(limits.maxConcurrency()));
      if (limits.toleratedCount() != null) {
        inspect("toleratedFailureCount", Json.NODES.numberNode(limits.toleratedCount()));
      }
      if (limits.toleratedPercentage() != null) {
        inspect("toleratedFailurePercentage", Json.NODES.numberNode(limits.toleratedPercentage()));
      }
      JsonNode result = mocked(request.mock());
      int failures = request.stateConfiguration().mapIterationFailureCount();
      if (limits.tolerant() && limits.exceeded(failures, items)) {
        throw new StatesException(
            StatesErrors.EXCEED_TOLERATED_FAILURE_THRESHOLD,
            StateSemantics.TOLERANCE_EXCEEDED_CAUSE);
      }
      return result;
    }

    private JsonNode inputPath(IoPath inputPath) {
      JsonNode afterInputPath = inputPath.apply(at(rawInput), "InputPath");
      inspect("afterInputPath", afterInputPath);
      return afterInputPath;
    }

    private JsonNode parameters(PayloadTemplate parameters, JsonNode afterInputPath) {
      return parameters == null ? afterInputPath : parameters.evaluate(at(afterInputPath));
    }

    /** ResultSelector, ResultPath and OutputPath: the state succeeded with {@code result}. */
    private TestStateResult complete(
        JsonNode result,
        PayloadTemplate resultSelector,
        ResultPathSpec resultPath,
        IoPath outputPath,
        String next) {
      JsonNode selected = resultSelector == null ? result : resultSelector.evaluate(at(result));
      inspect("afterResultSelector", selected);
      Map<String, JsonNode> assignments = JsonataSemantics.assignments(flow.assign(), at(selected));
      JsonNode combined = resultPath.apply(rawInput, selected);
      inspect("afterResultPath", combined);
      JsonNode output = outputPath.apply(at(combined), "OutputPath");
      assigned(assignments);
      return succeeded(output, next);
    }

    private TestStateResult succeeded(JsonNode output, String next) {
      inspectVariables();
      return new TestStateResult(TestStatus.SUCCEEDED, output, null, null, next, inspection);
    }

    private TestStateResult pass(PassState pass) {
      TestStateResult result;
      if (pass.result() != null) {
        // Step Functions shows a fixed Result instead of the input steps it makes irrelevant,
        // which still run (and can still fail), as in an execution.
        parameters(pass.parameters(), pass.inputPath().apply(at(rawInput), "InputPath"));
        inspect("result", pass.result());
        result = complete(pass.result(), null, pass.resultPath(), pass.outputPath(), pass.next());
      } else {
        JsonNode effective = parameters(pass.parameters(), inputPath(pass.inputPath()));
        inspect("afterParameters", effective);
        result = complete(effective, null, pass.resultPath(), pass.outputPath(), pass.next());
      }
      return result;
    }

    private TestStateResult task(TaskState task) {
      JsonNode afterInputPath = inputPath(task.inputPath());
      JsonNode effective;
      if (task.parameters() == null) {
        effective = afterInputPath;
      } else if (IntegrationPattern.of(task.resource()) == IntegrationPattern.WAIT_FOR_TASK_TOKEN) {
        ObjectNode withToken = context.deepCopy();
        withToken.putObject("Task").put("Token", "test-state-task-token");
        effective = task.parameters().evaluate(new EvaluationContext(afterInputPath, withToken));
      } else {
        effective = task.parameters().evaluate(at(afterInputPath));
      }
      inspect("afterParameters", effective);
      JsonNode result = taskResult(task, effective);
      inspect("result", result);
      return complete(
          result, task.resultSelector(), task.resultPath(), task.outputPath(), task.next());
    }

    /** The mocked result, or the task handler's; a mocked or raised error is thrown. */
    private JsonNode taskResult(TaskState task, JsonNode parameters) {
      Mock mock = request.mock();
      if (mock != null) {
        return mocked(mock);
      }
      // requireSimulatedWork made sure there is a handler.
      TaskHandler handler = handlers.find(task.resource()).orElseThrow();
      TaskRequest taskRequest =
          new TaskRequest(
              task.resource(),
              IntegrationPattern.of(task.resource()),
              parameters,
              EXECUTION_NAME,
              task.name(),
              request.stateConfiguration().retrierRetryCount(),
              EXECUTION_NAME + "/" + task.name(),
              "test-state-task-token");
      try {
        JsonNode result = handler.invoke(taskRequest).toCompletableFuture().get();
        return result == null ? Json.NODES.nullNode() : result;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the task ran", e);
      } catch (ExecutionException e) {
        throw StateSemantics.taskFailure(e.getCause());
      }
    }

    private TestStateResult choice(ChoiceState choice) {
      JsonNode effective = inputPath(choice.inputPath());
      String next = choice.defaultNext();
      StateFlow.Rule chosen = new StateFlow.Rule(null, flow.assign(), null);
      for (int i = 0; i < choice.choices().size(); i++) {
        ChoiceState.Branch branch = choice.choices().get(i);
        if (branch.rule().matches(at(effective))) {
          next = branch.next();
          chosen = flow.choice(i);
          break;
        }
      }
      if (next == null) {
        throw new StatesException(StatesErrors.NO_CHOICE_MATCHED, "No Matches!");
      }
      Map<String, JsonNode> assignments =
          JsonataSemantics.assignments(chosen.assign(), at(effective));
      JsonNode output = choice.outputPath().apply(at(effective), "OutputPath");
      assigned(assignments);
      return succeeded(output, next);
    }

    /** Succeed and Wait (which does not wait here): InputPath, then OutputPath. */
    private TestStateResult passThrough(IoPath inputPath, IoPath outputPath, String next) {
      JsonNode effective = inputPath(inputPath);
      Map<String, JsonNode> assignments =
          JsonataSemantics.assignments(flow.assign(), at(effective));
      JsonNode output = outputPath.apply(at(effective), "OutputPath");
      assigned(assignments);
      return succeeded(output, next);
    }

    private TestStateResult fail(FailState fail) {
      // A Fail state has no InputPath; Step Functions shows its input as the value after one.
      inspect("afterInputPath", rawInput);
      String error =
          fail.errorPath() != null
              ? StateSemantics.text(fail.errorPath().evaluate(at(rawInput), "ErrorPath"))
              : fail.error();
      String cause =
          fail.causePath() != null
              ? StateSemantics.text(fail.causePath().evaluate(at(rawInput), "CausePath"))
              : fail.cause();
      return new TestStateResult(TestStatus.FAILED, null, error, cause, null, inspection);
    }

    private TestStateResult parallel(ParallelState parallel) {
      // Evaluated for their errors only: Step Functions does not show them for a mocked Parallel.
      parameters(parallel.parameters(), parallel.inputPath().apply(at(rawInput), "InputPath"));
      JsonNode result = mocked(request.mock());
      return complete(
          result,
          parallel.resultSelector(),
          parallel.resultPath(),
          parallel.outputPath(),
          parallel.next());
    }

    private TestStateResult map(MapState map) {
      JsonNode effective = inputPath(map.inputPath());
      EvaluationContext context = at(effective);
      JsonNode items = readerItems();
      if (items == null) {
        items = map.itemsPath() == null ? effective : map.itemsPath().select(context, "ItemsPath");
      }
      if (items == null || !items.isArray()) {
        throw StateSemantics.itemsNotArray(map.itemsPath());
      }
      inspect("afterItemsPath", items);
      JsonNode result = mapResult(StateSemantics.mapLimits(map, context), items.size());
      return complete(result, map.resultSelector(), map.resultPath(), map.outputPath(), map.next());
    }

    /** The mock's result, or its error thrown. */
    private static JsonNode mocked(Mock mock) {
      if (mock.error() != null) {
        throw new StatesException(mock.error(), mock.cause());
      }
      return mock.result();
    }

    /**
     * The state failed: a Retrier with attempts left makes it RETRIABLE, else a Catcher makes it
     * CAUGHT_ERROR, else it FAILED. Which rules matched is reported as {@code errorDetails}.
     */
    private TestStateResult failed(String error, String cause) {
      if (!StateSemantics.recoverable(error)) {
        return new TestStateResult(TestStatus.FAILED, null, error, cause, null, inspection);
      }
      ObjectNode details = Json.object();
      List<Retrier> retriers = StateSemantics.retriers(state);
      for (int i = 0; i < retriers.size(); i++) {
        Retrier retrier = retriers.get(i);
        if (!StateSemantics.matches(retrier.errorEquals(), error, state)) {
          continue;
        }
        details.put("retryIndex", i);
        int retriesSoFar = request.stateConfiguration().retrierRetryCount();
        if (retriesSoFar < retrier.maxAttempts()) {
          details.set(
              "retryBackoffIntervalSeconds",
              number(StateSemantics.retryDelaySeconds(retrier, retriesSoFar)));
          inspect("errorDetails", details);
          return new TestStateResult(TestStatus.RETRIABLE, null, error, cause, null, inspection);
        }
        break;
      }
      List<Catcher> catchers = StateSemantics.catchers(state);
      for (int i = 0; i < catchers.size(); i++) {
        Catcher catcher = catchers.get(i);
        if (!StateSemantics.matches(catcher.errorEquals(), error, state)) {
          continue;
        }
        details.put("catchIndex", i);
        inspect("errorDetails", details);
        JsonNode output;
        ObjectNode errorOutput = StateSemantics.errorOutput(error, cause);
        StateFlow.Rule rule = flow.catcher(i);
        try {
          if (flow.jsonata()) {
            EvaluationContext caught = states(null, errorOutput);
            Map<String, JsonNode> assignments = JsonataSemantics.assignments(rule.assign(), caught);
            output = JsonataSemantics.valueOr(rule.output(), caught, errorOutput);
            assigned(assignments);
          } else {
            Map<String, JsonNode> assignments =
                JsonataSemantics.assignments(rule.assign(), at(errorOutput));
            output = catcher.resultPath().apply(rawInput, errorOutput);
            assigned(assignments);
          }
        } catch (StatesException e) {
          return new TestStateResult(
              TestStatus.FAILED, null, e.error(), e.cause(), null, inspection);
        }
        inspectVariables();
        return new TestStateResult(
            TestStatus.CAUGHT_ERROR, output, error, cause, catcher.next(), inspection);
      }
      if (!details.isEmpty()) {
        inspect("errorDetails", details);
      }
      return new TestStateResult(TestStatus.FAILED, null, error, cause, null, inspection);
    }
  }

  /** Seconds as Step Functions shows them: whole numbers without a fraction. */
  private static JsonNode number(double seconds) {
    return seconds == Math.rint(seconds) && Math.abs(seconds) < Long.MAX_VALUE
        ? Json.NODES.numberNode((long) seconds)
        : Json.NODES.numberNode(seconds);
  }
}
