package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.choice.ChoiceRule;
import dev.cairn.engine.choice.ChoiceRules;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.expression.Expression;
import dev.cairn.engine.expression.JsonataTemplate;
import dev.cairn.engine.path.JsonPath;
import dev.cairn.engine.path.PayloadTemplate;
import dev.cairn.engine.path.ValueExpression;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses one state of each type, with its Retry and Catch, reporting every problem. */
final class StateParser {
  private static final List<String> TYPES =
      List.of("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map");

  private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
  private static final Set<String> TRANSITION = Set.of("Next", "End");
  private static final Set<String> IO = Set.of("InputPath", "OutputPath");
  private static final Set<String> RESULT = Set.of("ResultSelector", "ResultPath");
  private static final Set<String> ERROR_HANDLING = Set.of("Retry", "Catch");

  private static final Set<String> PASS_FIELDS =
      union(COMMON, TRANSITION, IO, Set.of("Parameters", "Result", "ResultPath"));
  private static final Set<String> TASK_FIELDS =
      union(
          COMMON,
          TRANSITION,
          IO,
          RESULT,
          ERROR_HANDLING,
          Set.of(
              "Resource",
              "Parameters",
              "TimeoutSeconds",
              "TimeoutSecondsPath",
              "HeartbeatSeconds",
              "HeartbeatSecondsPath",
              "Credentials"));
  private static final Set<String> CHOICE_FIELDS = union(COMMON, IO, Set.of("Choices", "Default"));
  private static final Set<String> WAIT_FIELDS =
      union(COMMON, TRANSITION, IO, Set.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath"));
  private static final Set<String> SUCCEED_FIELDS = union(COMMON, IO);
  private static final Set<String> FAIL_FIELDS =
      union(COMMON, Set.of("Error", "ErrorPath", "Cause", "CausePath"));
  private static final Set<String> PARALLEL_FIELDS =
      union(COMMON, TRANSITION, IO, RESULT, ERROR_HANDLING, Set.of("Parameters", "Branches"));
  private static final Set<String> MAP_FIELDS =
      union(
          COMMON,
          TRANSITION,
          IO,
          RESULT,
          ERROR_HANDLING,
          Set.of(
              "ItemProcessor",
              "Iterator",
              "ItemsPath",
              "ItemSelector",
              "Parameters",
              "MaxConcurrency",
              "MaxConcurrencyPath",
              "ToleratedFailureCount",
              "ToleratedFailureCountPath",
              "ToleratedFailurePercentage",
              "ToleratedFailurePercentagePath",
              "Label",
              "ItemReader",
              "ResultWriter",
              "ItemBatcher"));

  private static final Set<String> ASSIGN = Set.of("Assign");
  private static final Set<String> OUTPUT = Set.of("Output");

  private static final Set<String> JSONATA_PASS_FIELDS = union(COMMON, TRANSITION, OUTPUT, ASSIGN);
  private static final Set<String> JSONATA_TASK_FIELDS =
      union(
          COMMON,
          TRANSITION,
          OUTPUT,
          ASSIGN,
          ERROR_HANDLING,
          Set.of("Resource", "Arguments", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"));
  private static final Set<String> JSONATA_CHOICE_FIELDS =
      union(COMMON, OUTPUT, ASSIGN, Set.of("Choices", "Default"));
  private static final Set<String> JSONATA_WAIT_FIELDS =
      union(COMMON, TRANSITION, OUTPUT, ASSIGN, Set.of("Seconds", "Timestamp"));
  private static final Set<String> JSONATA_SUCCEED_FIELDS = union(COMMON, OUTPUT);
  private static final Set<String> JSONATA_FAIL_FIELDS = union(COMMON, Set.of("Error", "Cause"));
  private static final Set<String> JSONATA_PARALLEL_FIELDS =
      union(COMMON, TRANSITION, OUTPUT, ASSIGN, ERROR_HANDLING, Set.of("Branches", "Arguments"));
  private static final Set<String> JSONATA_MAP_FIELDS =
      union(
          COMMON,
          TRANSITION,
          OUTPUT,
          ASSIGN,
          ERROR_HANDLING,
          Set.of(
              "ItemProcessor",
              "Iterator",
              "Items",
              "ItemSelector",
              "MaxConcurrency",
              "ToleratedFailureCount",
              "ToleratedFailurePercentage",
              "Label",
              "ItemReader",
              "ResultWriter",
              "ItemBatcher"));
  private static final Set<String> JSONATA_CATCHER_FIELDS =
      Set.of("ErrorEquals", "Next", "Output", "Assign", "Comment");
  private static final Set<String> JSONATA_CHOICE_RULE_FIELDS =
      Set.of("Condition", "Next", "Output", "Assign", "Comment");

  private static final Set<String> RETRIER_FIELDS =
      Set.of(
          "ErrorEquals",
          "IntervalSeconds",
          "MaxAttempts",
          "BackoffRate",
          "MaxDelaySeconds",
          "JitterStrategy",
          "Comment");
  private static final Set<String> CATCHER_FIELDS =
      Set.of("ErrorEquals", "Next", "ResultPath", "Assign", "Comment");
  private static final Set<String> PROCESSOR_CONFIG_FIELDS = Set.of("Mode", "ExecutionType");

  /** RFC 3339 with an uppercase T and Z, seconds required, as the language demands. */
  private static final Pattern RFC3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

  /** A URI scheme followed by something, e.g. {@code arn:aws:states:::lambda:invoke}. */
  private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S+");

  private static final BigDecimal ONE = BigDecimal.ONE;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final MachineParser machines;
  private final List<ValidationProblem> problems;
  private final boolean machineJsonata;
  private final Map<String, StateFlow> flows = new LinkedHashMap<>();

  /** Set by {@link #parse} for the state being parsed. */
  private boolean jsonata;

  // Cleared for each state and reused: StateFlow copies them, and most states leave them empty.
  private final Map<String, JsonataTemplate> jsonataFields = new LinkedHashMap<>();
  private final List<StateFlow.Rule> choiceRules = new ArrayList<>();
  private final List<StateFlow.Rule> catcherRules = new ArrayList<>();

  /**
   * @param machineJsonata whether the state machine's top-level QueryLanguage is JSONata: the
   *     default of every state, nested ones included
   */
  StateParser(MachineParser machines, List<ValidationProblem> problems, boolean machineJsonata) {
    this.machines = machines;
    this.problems = problems;
    this.machineJsonata = machineJsonata;
  }

  /** The flows of the states parsed so far that are not plain JSONPath, by state name. */
  Map<String, StateFlow> flows() {
    return flows;
  }

  /**
   * Parses one state.
   *
   * @param statesLocation the JSON pointer of its States object; the state's own, {@code
   *     statesLocation + "/" + name}, is built only when needed
   * @return the state, or null when it has problems (they were added)
   */
  State parse(String name, JsonNode node, String statesLocation, MachineParser.Scope scope) {
    if (!node.isObject()) {
      FieldReader.report(
          problems,
          statesLocation + "/" + name,
          ValidationRules.INVALID_TYPE,
          "state '" + name + "' must be an object, but is " + FieldReader.typeOf(node));
      return null;
    }
    FieldReader type = new FieldReader(node, statesLocation, name, "state '", name, "'", problems);
    if (!type.require("Type")) {
      return null;
    }
    String typeName = type.oneOf("Type", TYPES);
    if (typeName == null) {
      return null;
    }
    String language = type.oneOf("QueryLanguage", List.of("JSONPath", "JSONata"));
    if (machineJsonata && "JSONPath".equals(language)) {
      type.report(
          type.at("QueryLanguage"),
          ValidationRules.INVALID_VALUE,
          "a state cannot use JSONPath when the state machine's QueryLanguage is JSONata; set"
              + " JSONPath at the top level and JSONata on the states that use it instead");
    }
    jsonata = language == null ? machineJsonata : language.equals("JSONata");
    jsonataFields.clear();
    choiceRules.clear();
    catcherRules.clear();
    FieldReader fields =
        new FieldReader(
            node,
            statesLocation,
            name,
            jsonata ? "a JSONata " : "a ",
            typeName,
            " state",
            problems);
    int problemsBefore = problems.size();
    fields.allowOnly(allowedFields(typeName, jsonata), StateParser::languageHint);
    fields.string("Comment");
    Expression assign = fields.assign("Assign", jsonata);
    if (jsonata) {
      jsonataField(fields, "Output");
    }
    State state =
        switch (typeName) {
          case "Pass" -> pass(name, fields, scope);
          case "Task" -> task(name, fields, scope);
          case "Choice" -> choice(name, fields, scope);
          case "Wait" -> waitState(name, fields, scope);
          case "Succeed" ->
              new SucceedState(name, fields.ioPath("InputPath"), fields.ioPath("OutputPath"));
          case "Fail" -> fail(name, fields);
          case "Parallel" -> parallel(name, fields, scope);
          case "Map" -> map(name, fields, scope);
          default -> throw new IllegalStateException("unhandled state type " + typeName);
        };
    if (problems.size() > problemsBefore) {
      return null;
    }
    if (jsonata
        || assign != null
        || !jsonataFields.isEmpty()
        || !choiceRules.isEmpty()
        || !catcherRules.isEmpty()) {
      flows.put(name, new StateFlow(jsonata, assign, jsonataFields, choiceRules, catcherRules));
    }
    return state;
  }

  /** Fields that exist only in JSONata states, and those that exist only in JSONPath states. */
  private static final Set<String> JSONATA_ONLY = Set.of("Arguments", "Output", "Items");

  private static final Set<String> JSONPATH_ONLY =
      Set.of(
          "InputPath",
          "OutputPath",
          "Parameters",
          "ResultSelector",
          "ResultPath",
          "Result",
          "ItemsPath",
          "SecondsPath",
          "TimestampPath",
          "ErrorPath",
          "CausePath",
          "TimeoutSecondsPath",
          "HeartbeatSecondsPath",
          "MaxConcurrencyPath",
          "ToleratedFailureCountPath",
          "ToleratedFailurePercentagePath");

  /** Says which query language a refused field belongs to, when that explains the refusal. */
  private static String languageHint(String field) {
    if (JSONATA_ONLY.contains(field)) {
      return " ('" + field + "' is a JSONata field: set \"QueryLanguage\": \"JSONata\" to use it)";
    }
    if (JSONPATH_ONLY.contains(field)) {
      return " ('"
          + field
          + "' is a JSONPath field: a JSONata state uses Arguments, Output and {% %} expressions"
          + " instead)";
    }
    return "";
  }

  /** Compiles a JSONata field into the state's flow, when present. */
  private JsonataTemplate jsonataField(FieldReader fields, String field) {
    JsonataTemplate template = fields.jsonata(field);
    if (template != null) {
      jsonataFields.put(field, template);
    }
    return template;
  }

  /**
   * In a JSONata state, a field that is a JSONata string is kept for evaluation when the state
   * runs; true when it was (the caller then skips its literal reading).
   */
  private boolean jsonataExpression(FieldReader fields, String field) {
    if (jsonata && fields.isJsonata(field)) {
      jsonataField(fields, field);
      return true;
    }
    return false;
  }

  private static Set<String> allowedFields(String type, boolean jsonata) {
    if (jsonata) {
      return switch (type) {
        case "Pass" -> JSONATA_PASS_FIELDS;
        case "Task" -> JSONATA_TASK_FIELDS;
        case "Choice" -> JSONATA_CHOICE_FIELDS;
        case "Wait" -> JSONATA_WAIT_FIELDS;
        case "Succeed" -> JSONATA_SUCCEED_FIELDS;
        case "Fail" -> JSONATA_FAIL_FIELDS;
        case "Parallel" -> JSONATA_PARALLEL_FIELDS;
        case "Map" -> JSONATA_MAP_FIELDS;
        default -> throw new IllegalStateException("unhandled state type " + type);
      };
    }
    return JSONPATH_FIELDS_WITH_ASSIGN.get(type);
  }

  /** Each type's JSONPath fields, with Assign for every type but Succeed and Fail. */
  private static final Map<String, Set<String>> JSONPATH_FIELDS_WITH_ASSIGN =
      TYPES.stream()
          .collect(
              java.util.stream.Collectors.toUnmodifiableMap(
                  type -> type,
                  type ->
                      type.equals("Succeed") || type.equals("Fail")
                          ? jsonPathFields(type)
                          : union(jsonPathFields(type), ASSIGN)));

  private static Set<String> jsonPathFields(String type) {
    return switch (type) {
      case "Pass" -> PASS_FIELDS;
      case "Task" -> TASK_FIELDS;
      case "Choice" -> CHOICE_FIELDS;
      case "Wait" -> WAIT_FIELDS;
      case "Succeed" -> SUCCEED_FIELDS;
      case "Fail" -> FAIL_FIELDS;
      case "Parallel" -> PARALLEL_FIELDS;
      case "Map" -> MAP_FIELDS;
      default -> throw new IllegalStateException("unhandled state type " + type);
    };
  }

  private PassState pass(String name, FieldReader fields, MachineParser.Scope scope) {
    String next = transition(fields, scope);
    return new PassState(
        name,
        next,
        fields.ioPath("InputPath"),
        fields.template("Parameters"),
        fields.raw("Result"),
        fields.resultPath("ResultPath"),
        fields.ioPath("OutputPath"));
  }

  private TaskState task(String name, FieldReader fields, MachineParser.Scope scope) {
    String next = transition(fields, scope);
    String resource = fields.requiredString("Resource");
    if (resource != null && !URI.matcher(resource).matches()) {
      fields.report(
          fields.at("Resource"),
          ValidationRules.INVALID_VALUE,
          "Resource must be a URI such as an ARN (e.g. arn:aws:states:::lambda:invoke), but is '"
              + resource
              + "'");
    }
    unsupported(fields, "Credentials", "tasks run with the engine's own credentials");
    fields.exclusive("TimeoutSeconds", "TimeoutSecondsPath");
    fields.exclusive("HeartbeatSeconds", "HeartbeatSecondsPath");
    if (jsonata) {
      jsonataField(fields, "Arguments");
    }
    Integer timeout =
        jsonataExpression(fields, "TimeoutSeconds")
            ? null
            : fields.smallInteger("TimeoutSeconds", 1);
    JsonPath timeoutPath = fields.definitePath("TimeoutSecondsPath");
    Integer heartbeat =
        jsonataExpression(fields, "HeartbeatSeconds")
            ? null
            : fields.smallInteger("HeartbeatSeconds", 1);
    JsonPath heartbeatPath = fields.definitePath("HeartbeatSecondsPath");
    if (timeout != null && heartbeat != null && heartbeat >= timeout) {
      fields.report(
          fields.at("HeartbeatSeconds"),
          ValidationRules.INVALID_VALUE,
          "HeartbeatSeconds ("
              + heartbeat
              + ") must be smaller than TimeoutSeconds ("
              + timeout
              + ")");
    }
    return new TaskState(
        name,
        next,
        resource,
        fields.ioPath("InputPath"),
        fields.template("Parameters"),
        fields.template("ResultSelector"),
        fields.resultPath("ResultPath"),
        fields.ioPath("OutputPath"),
        retry(fields),
        catchers(fields, scope),
        timeout,
        timeoutPath,
        heartbeat,
        heartbeatPath);
  }

  private ChoiceState choice(String name, FieldReader fields, MachineParser.Scope scope) {
    List<ChoiceState.Branch> branches = new ArrayList<>();
    JsonNode choices = fields.require("Choices") ? fields.array("Choices") : null;
    if (choices != null && choices.isEmpty()) {
      fields.report(
          fields.at("Choices"),
          ValidationRules.INVALID_VALUE,
          "Choices must contain at least one choice rule");
    }
    if (choices != null) {
      for (int i = 0; i < choices.size(); i++) {
        ChoiceState.Branch branch =
            choiceBranch(choices.get(i), fields.at("Choices") + "/" + i, scope);
        if (branch != null) {
          branches.add(branch);
        }
      }
    }
    String defaultNext = target(fields, "Default", scope);
    return new ChoiceState(
        name, fields.ioPath("InputPath"), fields.ioPath("OutputPath"), branches, defaultNext);
  }

  private ChoiceState.Branch choiceBranch(
      JsonNode node, String location, MachineParser.Scope scope) {
    if (!node.isObject()) {
      FieldReader.report(
          problems,
          location,
          ValidationRules.INVALID_TYPE,
          "a choice rule must be an object, but is " + FieldReader.typeOf(node));
      return null;
    }
    FieldReader fields = new FieldReader(node, location, "a choice rule", problems);
    String next = fields.require("Next") ? target(fields, "Next", scope) : null;
    Expression assign = fields.assign("Assign", jsonata);
    if (jsonata) {
      fields.allowOnly(JSONATA_CHOICE_RULE_FIELDS);
      JsonataTemplate condition = null;
      if (fields.require("Condition")) {
        JsonNode value = fields.raw("Condition");
        if (value.isBoolean() || JsonataTemplate.isExpression(value)) {
          condition = fields.jsonata("Condition");
        } else {
          fields.report(
              fields.at("Condition"),
              ValidationRules.INVALID_TYPE,
              "Condition must be a boolean or a JSONata string {% ... %}, but is "
                  + FieldReader.typeOf(value));
        }
      }
      choiceRules.add(new StateFlow.Rule(condition, assign, fields.jsonata("Output")));
      return condition == null || next == null ? null : new ChoiceState.Branch(null, next);
    }
    choiceRules.add(new StateFlow.Rule(null, assign, null));
    ChoiceRule rule = ChoiceRules.parse(node, location, problems);
    return rule == null || next == null ? null : new ChoiceState.Branch(rule, next);
  }

  private WaitState waitState(String name, FieldReader fields, MachineParser.Scope scope) {
    String next = transition(fields, scope);
    List<String> ways = List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath");
    List<String> given = ways.stream().filter(fields::has).toList();
    if (given.isEmpty()) {
      fields.report(
          fields.location(),
          ValidationRules.MISSING_REQUIRED_FIELD,
          "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp and TimestampPath");
    } else if (given.size() > 1) {
      fields.report(
          fields.location(),
          ValidationRules.SCHEMA_VALIDATION_FAILED,
          "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp and TimestampPath,"
              + " but has "
              + String.join(", ", given));
    }
    boolean secondsExpression = jsonataExpression(fields, "Seconds");
    boolean timestampExpression = jsonataExpression(fields, "Timestamp");
    return new WaitState(
        name,
        next,
        fields.ioPath("InputPath"),
        fields.ioPath("OutputPath"),
        secondsExpression ? null : seconds(fields),
        fields.definitePath("SecondsPath"),
        timestampExpression ? null : timestamp(fields, "Timestamp"),
        fields.definitePath("TimestampPath"));
  }

  /** Seconds: an integer from 0 to {@link WaitState#MAX_SECONDS}, as Step Functions requires. */
  private static Long seconds(FieldReader fields) {
    Long seconds = fields.integer("Seconds", 0);
    if (seconds != null && seconds > WaitState.MAX_SECONDS) {
      fields.report(
          fields.at("Seconds"),
          ValidationRules.INVALID_VALUE,
          "Seconds must be an integer from 0 to " + WaitState.MAX_SECONDS + ", but is " + seconds);
      return null;
    }
    return seconds;
  }

  private static Instant timestamp(FieldReader fields, String field) {
    String text = fields.string(field);
    if (text == null) {
      return null;
    }
    if (RFC3339.matcher(text).matches()) {
      try {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        // A well-shaped but impossible date (e.g. February 30) is reported below.
      }
    }
    fields.report(
        fields.at(field),
        ValidationRules.INVALID_VALUE,
        field
            + " must be an RFC 3339 timestamp with an uppercase T and Z or an offset, such as"
            + " 2016-03-14T01:59:00Z, but is '"
            + text
            + "'");
    return null;
  }

  private FailState fail(String name, FieldReader fields) {
    fields.exclusive("Error", "ErrorPath");
    fields.exclusive("Cause", "CausePath");
    String error = jsonataExpression(fields, "Error") ? null : fields.string("Error");
    ValueExpression errorPath = failPath(fields, "ErrorPath");
    String cause = jsonataExpression(fields, "Cause") ? null : fields.string("Cause");
    ValueExpression causePath = failPath(fields, "CausePath");
    return new FailState(name, error, errorPath, cause, causePath);
  }

  /** ErrorPath or CausePath: a path, or a call of one of the functions that return a string. */
  private static ValueExpression failPath(FieldReader fields, String field) {
    ValueExpression expression = fields.expression(field);
    if (expression != null
        && expression.call() != null
        && !FailState.PATH_FUNCTIONS.contains(expression.call().functionName())) {
      fields.report(
          fields.at(field),
          ValidationRules.INVALID_JSONPATH,
          field
              + " may call only an intrinsic function that returns a string ("
              + String.join(", ", FailState.PATH_FUNCTIONS.stream().sorted().toList())
              + "), not "
              + expression.call().functionName());
      return null;
    }
    return expression;
  }

  private ParallelState parallel(String name, FieldReader fields, MachineParser.Scope scope) {
    String next = transition(fields, scope);
    if (jsonata) {
      jsonataField(fields, "Arguments");
    }
    List<StateMachine> branches = new ArrayList<>();
    JsonNode branchesNode = fields.require("Branches") ? fields.array("Branches") : null;
    if (branchesNode != null && branchesNode.isEmpty()) {
      fields.report(
          fields.at("Branches"),
          ValidationRules.INVALID_VALUE,
          "Branches must contain at least one branch");
    }
    if (branchesNode != null) {
      for (int i = 0; i < branchesNode.size(); i++) {
        StateMachine branch =
            machines.parse(
                branchesNode.get(i), fields.at("Branches") + "/" + i, MachineParser.Kind.BRANCH);
        if (branch != null) {
          branches.add(branch);
        }
      }
    }
    return new ParallelState(
        name,
        next,
        fields.ioPath("InputPath"),
        fields.template("Parameters"),
        fields.template("ResultSelector"),
        fields.resultPath("ResultPath"),
        fields.ioPath("OutputPath"),
        retry(fields),
        catchers(fields, scope),
        branches);
  }

  private MapState map(String name, FieldReader fields, MachineParser.Scope scope) {
    String next = transition(fields, scope);
    if (machines.simulatedItemReaders() && fields.object("ItemReader") != null) {
      // TestState takes the reader's items from its request; the reader itself never runs.
      jsonataFields.put(
          "ItemReader", JsonataTemplate.compile(fields.raw("ItemReader"), "ItemReader"));
    } else {
      unsupported(fields, "ItemReader", "a Map state reads its items from its input");
    }
    unsupported(fields, "ResultWriter", "a Map state's result is the array of iteration outputs");
    unsupported(fields, "ItemBatcher", "each iteration processes one item");

    String processorField =
        fields.has("Iterator") && !fields.has("ItemProcessor") ? "Iterator" : "ItemProcessor";
    fields.exclusive("ItemProcessor", "Iterator");
    StateMachine processor = null;
    MapState.Mode mode = MapState.Mode.INLINE;
    if (fields.require(processorField) && fields.object(processorField) != null) {
      JsonNode processorNode = fields.raw(processorField);
      mode = processorConfig(processorNode, fields.at(processorField));
      processor =
          machines.parse(processorNode, fields.at(processorField), MachineParser.Kind.PROCESSOR);
    }

    fields.exclusive("ItemSelector", "Parameters");
    String selectorField =
        fields.has("Parameters") && !fields.has("ItemSelector") ? "Parameters" : "ItemSelector";
    PayloadTemplate itemSelector = null;
    if (jsonata) {
      jsonataField(fields, "Items");
      jsonataField(fields, "ItemSelector");
    } else {
      itemSelector = fields.template(selectorField);
    }

    fields.exclusive("MaxConcurrency", "MaxConcurrencyPath");
    fields.exclusive("ToleratedFailureCount", "ToleratedFailureCountPath");
    fields.exclusive("ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
    JsonPath itemsPath = fields.definitePath("ItemsPath");
    boolean concurrencyExpression = jsonataExpression(fields, "MaxConcurrency");
    Integer maxConcurrency =
        concurrencyExpression ? null : fields.smallInteger("MaxConcurrency", 0);
    JsonPath maxConcurrencyPath = fields.definitePath("MaxConcurrencyPath");
    if (!fields.has("MaxConcurrency") && !fields.has("MaxConcurrencyPath")) {
      maxConcurrency = 0;
    }
    Integer toleratedCount =
        jsonataExpression(fields, "ToleratedFailureCount")
            ? null
            : fields.smallInteger("ToleratedFailureCount", 0);
    JsonPath toleratedCountPath = fields.definitePath("ToleratedFailureCountPath");
    BigDecimal toleratedPercentage =
        jsonataExpression(fields, "ToleratedFailurePercentage")
            ? null
            : fields.number(
                "ToleratedFailurePercentage", BigDecimal.ZERO, HUNDRED, "a number from 0 to 100");
    JsonPath toleratedPercentagePath = fields.definitePath("ToleratedFailurePercentagePath");
    String label = fields.string("Label");

    return new MapState(
        name,
        next,
        fields.ioPath("InputPath"),
        itemsPath,
        itemSelector,
        processor,
        mode,
        maxConcurrency,
        maxConcurrencyPath,
        toleratedCount,
        toleratedCountPath,
        toleratedPercentage,
        toleratedPercentagePath,
        label,
        fields.template("ResultSelector"),
        fields.resultPath("ResultPath"),
        fields.ioPath("OutputPath"),
        retry(fields),
        catchers(fields, scope));
  }

  /** Reads ProcessorConfig of an item processor; INLINE unless it says otherwise. */
  private MapState.Mode processorConfig(JsonNode processor, String location) {
    FieldReader processorFields =
        new FieldReader(processor, location, "an item processor", problems);
    JsonNode config = processorFields.object("ProcessorConfig");
    if (config == null) {
      return MapState.Mode.INLINE;
    }
    FieldReader fields =
        new FieldReader(config, processorFields.at("ProcessorConfig"), "ProcessorConfig", problems);
    fields.allowOnly(PROCESSOR_CONFIG_FIELDS);
    String mode = fields.oneOf("Mode", List.of("INLINE", "DISTRIBUTED"));
    fields.oneOf("ExecutionType", List.of("STANDARD", "EXPRESS"));
    return mode == null ? MapState.Mode.INLINE : MapState.Mode.valueOf(mode);
  }

  /**
   * Reads Next and End, of which exactly one must be given (End only as true).
   *
   * @return the Next state, or null
   */
  private static String transition(FieldReader fields, MachineParser.Scope scope) {
    boolean hasNext = fields.has("Next");
    boolean hasEnd = fields.has("End");
    if (hasNext && hasEnd) {
      fields.report(
          fields.at("End"),
          ValidationRules.SCHEMA_VALIDATION_FAILED,
          fields.owner() + " must have exactly one of Next and \"End\": true, not both");
    } else if (!hasNext && !hasEnd) {
      fields.report(
          fields.location(),
          ValidationRules.MISSING_REQUIRED_FIELD,
          fields.owner() + " must have either Next or \"End\": true");
    }
    Boolean end = fields.bool("End");
    if (Boolean.FALSE.equals(end)) {
      fields.report(
          fields.at("End"),
          ValidationRules.INVALID_VALUE,
          "End must be true when given; to continue to another state, use Next instead");
    }
    return target(fields, "Next", scope);
  }

  /** Reads a field naming a state of the same scope. */
  private static String target(FieldReader fields, String field, MachineParser.Scope scope) {
    String next = fields.string(field);
    if (next != null && !scope.names().contains(next)) {
      fields.report(
          fields.at(field),
          ValidationRules.MISSING_TRANSITION_TARGET,
          field
              + " names '"
              + next
              + "', but no state of that name exists in "
              + scope.description());
      return null;
    }
    return next;
  }

  private static void unsupported(FieldReader fields, String field, String instead) {
    if (fields.has(field)) {
      fields.report(
          fields.at(field),
          ValidationRules.UNSUPPORTED_FEATURE,
          field + " is not supported by Cairn's engine yet (" + instead + ")");
    }
  }

  private List<Retrier> retry(FieldReader fields) {
    List<Retrier> retriers = new ArrayList<>();
    JsonNode array = fields.array("Retry");
    if (array == null) {
      return retriers;
    }
    for (int i = 0; i < array.size(); i++) {
      String location = fields.at("Retry") + "/" + i;
      JsonNode node = array.get(i);
      if (!isObject(node, location, "a retrier")) {
        continue;
      }
      FieldReader retrier = new FieldReader(node, location, "a retrier", problems);
      retrier.allowOnly(RETRIER_FIELDS);
      retrier.string("Comment");
      List<String> errors = errorEquals(retrier, i == array.size() - 1, "Retry");
      Integer interval = retrier.smallInteger("IntervalSeconds", 1);
      Integer maxAttempts = retrier.smallInteger("MaxAttempts", 0);
      BigDecimal backoff = retrier.number("BackoffRate", ONE, null, "a number of at least 1.0");
      Integer maxDelay = retrier.smallInteger("MaxDelaySeconds", 1);
      String jitter = retrier.oneOf("JitterStrategy", List.of("FULL", "NONE"));
      if (errors != null) {
        retriers.add(
            new Retrier(
                errors,
                interval == null ? 1 : interval,
                maxAttempts == null ? 3 : maxAttempts,
                backoff == null ? 2.0 : backoff.doubleValue(),
                maxDelay,
                jitter == null ? Retrier.Jitter.NONE : Retrier.Jitter.valueOf(jitter)));
      }
    }
    return retriers;
  }

  private List<Catcher> catchers(FieldReader fields, MachineParser.Scope scope) {
    List<Catcher> catchers = new ArrayList<>();
    JsonNode array = fields.array("Catch");
    if (array == null) {
      return catchers;
    }
    for (int i = 0; i < array.size(); i++) {
      String location = fields.at("Catch") + "/" + i;
      JsonNode node = array.get(i);
      if (!isObject(node, location, "a catcher")) {
        continue;
      }
      FieldReader catcher = new FieldReader(node, location, "a catcher", problems);
      catcher.allowOnly(jsonata ? JSONATA_CATCHER_FIELDS : CATCHER_FIELDS);
      catcher.string("Comment");
      catcherRules.add(
          new StateFlow.Rule(
              null, catcher.assign("Assign", jsonata), jsonata ? catcher.jsonata("Output") : null));
      List<String> errors = errorEquals(catcher, i == array.size() - 1, "Catch");
      String next = catcher.require("Next") ? target(catcher, "Next", scope) : null;
      ResultPathSpec resultPath = catcher.resultPath("ResultPath");
      if (errors != null && next != null && resultPath != null) {
        catchers.add(new Catcher(errors, next, resultPath));
      }
    }
    return catchers;
  }

  /**
   * Reads ErrorEquals: a non-empty array of strings where States.ALL stands alone, in the last
   * element of its Retry or Catch array.
   */
  private static List<String> errorEquals(FieldReader fields, boolean last, String arrayField) {
    JsonNode array = fields.require("ErrorEquals") ? fields.array("ErrorEquals") : null;
    if (array == null) {
      return null;
    }
    String location = fields.at("ErrorEquals");
    if (array.isEmpty()) {
      fields.report(
          location, ValidationRules.INVALID_VALUE, "ErrorEquals must list at least one error name");
      return null;
    }
    List<String> errors = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < array.size(); i++) {
      JsonNode error = array.get(i);
      if (!error.isTextual()) {
        fields.report(
            location + "/" + i,
            ValidationRules.INVALID_TYPE,
            "an error name must be a string, but is " + FieldReader.typeOf(error));
        valid = false;
      } else {
        errors.add(error.textValue());
      }
    }
    if (errors.contains(StatesErrors.ALL)) {
      if (array.size() > 1) {
        fields.report(
            location,
            ValidationRules.INVALID_VALUE,
            StatesErrors.ALL + " must appear alone in ErrorEquals");
        valid = false;
      }
      if (!last) {
        fields.report(
            location,
            ValidationRules.INVALID_VALUE,
            "the element with "
                + StatesErrors.ALL
                + " must be the last one in "
                + arrayField
                + ", since it matches every error");
        valid = false;
      }
    }
    return valid ? errors : null;
  }

  private boolean isObject(JsonNode node, String location, String what) {
    if (node.isObject()) {
      return true;
    }
    FieldReader.report(
        problems,
        location,
        ValidationRules.INVALID_TYPE,
        what + " must be an object, but is " + FieldReader.typeOf(node));
    return false;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new HashSet<>();
    for (Set<String> set : sets) {
      all.addAll(set);
    }
    return Set.copyOf(all);
  }
}
