package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.definition.DefinitionParser;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.ExecutionStore;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.engine.task.TaskHandlers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Measures the engine's throughput in state transitions per second and its memory per running
 * execution. A benchmark, not a test: run by {@code bench/run-engine.sh}, never by the test suite.
 *
 * <p><b>What is counted.</b> A transition is a state entered, as Step Functions bills them: the
 * {@code *StateEntered} events of the execution's history, read back from the store after the
 * execution ended (so a Map state counts once, plus once per state entered in each iteration).
 *
 * <p><b>What is timed.</b> From {@link Engine#start} (which parses and validates the definition)
 * until the execution's completion future completes: parsing, interpreting and appending the events
 * to the store. Each run uses a fresh engine and a fresh store (for the durable mode a new SQLite
 * file in a temporary directory), created and closed outside the timed section.
 *
 * <p>Arguments (all optional): {@code --warmup N} (default 5), {@code --runs N} (default 20),
 * {@code --blocked N} executions for the memory measurement (default 10000; 0 leaves it out),
 * {@code --json FILE} to also write the results as JSON (read by the npm comparison), {@code --only
 * SHAPE} to run one shape: chain, map, parallel, tasks (a chain of Task states whose handler
 * completes at once) or jsonata (a JSONata chain, which only Cairn runs).
 */
public final class EngineBenchmark {
  private static final String BLOCK = "arn:aws:states:::cairn:block";

  /**
   * The resource of the task chain's states: a Lambda ARN, so that the npm interpreter's validator
   * accepts the same definition (it runs a local handler there too, never Lambda).
   */
  static final String INSTANT = "arn:aws:lambda:us-east-1:123456789012:function:instant";

  /** Answers {@link #INSTANT} with the task's input, completed before it returns. */
  static TaskHandlers instantHandlers() {
    return new TaskHandlers()
        .register(INSTANT, request -> CompletableFuture.completedFuture(request.parameters()));
  }

  /** Warm-up lasts at least this long (and at least the given number of runs), for the JIT. */
  private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(3);

  private EngineBenchmark() {}

  /** One benchmarked shape: a definition and its input. */
  record Shape(String key, String label, String definition, JsonNode input) {}

  /** Where executions are kept during a run. */
  enum Mode {
    MEMORY("memory-only"),
    DURABLE("durable (SQLite)");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  /** The measured runs of one shape in one mode. */
  record Result(
      Shape shape,
      Mode mode,
      long transitions,
      long events,
      double[] perSecond,
      double[] millis,
      double[] cpuMillis,
      double parseMillis) {

    double median() {
      return EngineBenchmark.median(perSecond);
    }

    double min() {
      return Arrays.stream(perSecond).min().orElse(0);
    }

    double max() {
      return Arrays.stream(perSecond).max().orElse(0);
    }

    double medianMillis() {
      return EngineBenchmark.median(millis);
    }

    /**
     * The mean, not the median: the operating system counts a process's CPU time in ticks of 10 ms,
     * so one run's figure is coarse, but the mean over the runs is not biased by it.
     */
    double meanCpuMillis() {
      return Arrays.stream(cpuMillis).average().orElse(0);
    }
  }

  public static void main(String[] args) throws Exception {
    int warmup = 5;
    int runs = 20;
    int blocked = 10_000;
    Path json = null;
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--blocked" -> blocked = Integer.parseInt(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }

    Runtime runtime = Runtime.getRuntime();
    System.out.println("# Cairn engine benchmark");
    System.out.println();
    System.out.printf(
        "- JVM: %s %s (%s), max heap %d MiB%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"),
        runtime.maxMemory() / (1024 * 1024));
    System.out.printf(
        "- OS: %s %s (%s), cores: %d%n",
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        runtime.availableProcessors());
    System.out.printf(
        "- date: %s%n", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    System.out.printf("- policy: %d warm-up runs, then %d measured runs per row%n", warmup, runs);
    System.out.println();

    List<Shape> shapes = new ArrayList<>(shapes());
    if (only != null) {
      String wanted = only;
      shapes.removeIf(s -> !s.key().equals(wanted));
    }
    Path temp = Files.createTempDirectory("cairn-bench");
    List<Result> results = new ArrayList<>();
    try {
      for (Shape shape : shapes) {
        double parse = parseMillis(shape, runs);
        for (Mode mode : Mode.values()) {
          Result result = measure(shape, mode, warmup, runs, temp, parse);
          results.add(result);
          System.err.printf(
              "%s, %s: median %,.0f transitions/s%n", shape.label(), mode.label, result.median());
        }
      }

      System.out.println("## Throughput (state transitions per second)");
      System.out.println();
      System.out.println(
          "| shape | mode | transitions (events) per execution | median transitions/s | min | max |"
              + " median ms per execution | mean CPU ms per execution |"
              + " parse + validate alone (ms) |");
      System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (Result r : results) {
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %,d (%,d) | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %.3f |%n",
            r.shape().label(),
            r.mode().label,
            r.transitions(),
            r.events(),
            r.median(),
            r.min(),
            r.max(),
            r.medianMillis(),
            r.meanCpuMillis(),
            r.parseMillis());
      }
      System.out.println();
      System.out.println(
          "The timed section includes Engine.start parsing and validating the definition; the last"
              + " column is DefinitionParser.parse timed on its own, after its own warm-up. CPU ms:"
              + " the process's CPU time (all threads, garbage collection and compilation included)"
              + " over the timed section, averaged over the runs; steadier than wall time on a"
              + " loaded machine.");
      System.out.println();

      List<String> memoryJson = new ArrayList<>();
      // --blocked 0 (bench/run-engine.sh --alternate) leaves the memory measurement out.
      if (blocked > 0) {
        System.out.println("## Memory per running execution");
        System.out.println();
        System.out.println(
            "Executions blocked on a Task whose handler never completes; used heap after a forced GC,"
                + " before and after starting them, divided by their number.");
        System.out.println();
        System.out.println(
            "| mode | executions | heap before (MiB) | heap after (MiB) | per execution |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        for (Mode mode : Mode.values()) {
          long[] m = memoryPerExecution(mode, blocked, temp);
          double per = (m[1] - m[0]) / (double) blocked;
          System.out.printf(
              Locale.ROOT,
              "| %s | %,d | %.1f | %.1f | %,.0f bytes (%.1f KiB) |%n",
              mode.label,
              blocked,
              m[0] / 1048576.0,
              m[1] / 1048576.0,
              per,
              per / 1024);
          memoryJson.add(
              String.format(
                  Locale.ROOT, "{\"mode\":\"%s\",\"bytesPerExecution\":%.0f}", mode.name(), per));
        }
        System.out.println();
      }

      if (json != null) {
        writeJson(json, results, memoryJson, warmup, runs);
      }
    } finally {
      deleteRecursively(temp);
    }
  }

  // ---------------------------------------------------------------- shapes

  static List<Shape> shapes() {
    return List.of(
        new Shape("chain", "chain of 1,000 Pass states", chain(1_000), Json.object()),
        new Shape("map", "Map over 10,000 items (Pass processor)", map(), mapInput(10_000)),
        new Shape("parallel", "Parallel of 100 branches (one Pass each)", parallel(100), null),
        new Shape(
            "tasks",
            "chain of 1,000 Task states (handler completes at once)",
            taskChain(1_000),
            Json.object()),
        new Shape(
            "jsonata",
            "chain of 1,000 JSONata Pass states (Assign and Output expressions)",
            jsonataChain(1_000),
            Json.object()));
  }

  /**
   * A JSONata chain: every state reads the input and a variable, assigns the variable and builds
   * its output with expressions, so each transition evaluates three JSONata expressions.
   */
  static String jsonataChain(int length) {
    ObjectNode states = Json.object();
    for (int i = 0; i < length; i++) {
      ObjectNode state = states.putObject("S" + i);
      state.put("Type", "Pass");
      state.putObject("Assign").put("n", i == 0 ? "{% 0 %}" : "{% $n + 1 %}");
      ObjectNode output = state.putObject("Output");
      output.put("step", "{% $exists($n) ? $n : -1 %}");
      output.put("name", "{% $states.context.State.Name %}");
      if (i + 1 < length) {
        state.put("Next", "S" + (i + 1));
      } else {
        state.put("End", true);
      }
    }
    ObjectNode machine = Json.object();
    machine.put("QueryLanguage", "JSONata");
    machine.put("StartAt", "S0");
    machine.set("States", states);
    return Json.write(machine);
  }

  /**
   * Task states whose handler ({@link #INSTANT}) completes at once: every task result is a trigger
   * of its own, so durable mode commits once per task, where the Pass shapes commit once in all.
   */
  static String taskChain(int length) {
    ObjectNode states = Json.object();
    for (int i = 0; i < length; i++) {
      ObjectNode state = states.putObject("S" + i);
      state.put("Type", "Task");
      state.put("Resource", INSTANT);
      if (i + 1 < length) {
        state.put("Next", "S" + (i + 1));
      } else {
        state.put("End", true);
      }
    }
    ObjectNode machine = Json.object();
    machine.put("StartAt", "S0");
    machine.set("States", states);
    return Json.write(machine);
  }

  static String chain(int length) {
    ObjectNode states = Json.object();
    for (int i = 0; i < length; i++) {
      ObjectNode state = states.putObject("S" + i);
      state.put("Type", "Pass");
      if (i + 1 < length) {
        state.put("Next", "S" + (i + 1));
      } else {
        state.put("End", true);
      }
    }
    ObjectNode machine = Json.object();
    machine.put("StartAt", "S0");
    machine.set("States", states);
    return Json.write(machine);
  }

  static String map() {
    return """
        {
          "StartAt": "Fan",
          "States": {
            "Fan": {
              "Type": "Map",
              "ItemsPath": "$.items",
              "MaxConcurrency": 0,
              "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Item",
                "States": {"Item": {"Type": "Pass", "End": true}}
              },
              "End": true
            }
          }
        }
        """;
  }

  static JsonNode mapInput(int items) {
    ObjectNode input = Json.object();
    ArrayNode array = input.putArray("items");
    for (int i = 0; i < items; i++) {
      array.add(i);
    }
    return input;
  }

  static String parallel(int branches) {
    ArrayNode list = Json.NODES.arrayNode();
    for (int i = 0; i < branches; i++) {
      ObjectNode branch = list.addObject();
      branch.put("StartAt", "B" + i);
      branch.putObject("States").putObject("B" + i).put("Type", "Pass").put("End", true);
    }
    ObjectNode fan = Json.object();
    fan.put("Type", "Parallel");
    fan.set("Branches", list);
    fan.put("End", true);
    ObjectNode machine = Json.object();
    machine.put("StartAt", "Fan");
    machine.putObject("States").set("Fan", fan);
    return Json.write(machine);
  }

  // ---------------------------------------------------------------- throughput

  /** The process's CPU time, all threads (the engine runs executions on threads of its own). */
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  static Result measure(Shape shape, Mode mode, int warmup, int runs, Path temp, double parse)
      throws Exception {
    JsonNode input = shape.input() == null ? Json.object() : shape.input();
    long transitions = -1;
    long events = -1;
    double[] perSecond = new double[runs];
    double[] millis = new double[runs];
    double[] cpuMillis = new double[runs];
    long warmupUntil = System.nanoTime() + WARMUP_NANOS;
    int warmed = 0;
    for (int run = -warmup; run < runs; run++) {
      if (run == -1 && System.nanoTime() < warmupUntil) {
        run = -2; // keep warming up until both the count and the time are reached
      }
      ExecutionStore store = store(mode, temp, shape.key() + "-" + warmed++);
      try (Engine engine = Engine.builder().store(store).taskHandlers(instantHandlers()).build()) {
        long cpuBegin = PROCESS.getProcessCpuTime();
        long begin = System.nanoTime();
        String id = engine.start(shape.definition(), "bench-" + shape.key(), null, input);
        ExecutionDescription done = engine.completion(id).get(5, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - begin;
        long cpu = PROCESS.getProcessCpuTime() - cpuBegin;
        if (done.status() != ExecutionStatus.SUCCEEDED) {
          throw new IllegalStateException(
              shape.key() + " ended " + done.status() + ": " + done.error() + " " + done.cause());
        }
        List<HistoryEvent> history = engine.history(id);
        long entered = countEntered(history);
        events = history.size();
        if (transitions >= 0 && entered != transitions) {
          throw new IllegalStateException("transitions differ between runs of " + shape.key());
        }
        transitions = entered;
        if (run >= 0) {
          millis[run] = elapsed / 1e6;
          cpuMillis[run] = cpu / 1e6;
          perSecond[run] = entered / (elapsed / 1e9);
        }
      }
    }
    return new Result(shape, mode, transitions, events, perSecond, millis, cpuMillis, parse);
  }

  /** The median time DefinitionParser.parse (parse and validate) takes on the shape. */
  static double parseMillis(Shape shape, int runs) {
    long until = System.nanoTime() + WARMUP_NANOS;
    while (System.nanoTime() < until) {
      DefinitionParser.parse(shape.definition());
    }
    double[] millis = new double[Math.max(runs, 50)];
    for (int i = 0; i < millis.length; i++) {
      long begin = System.nanoTime();
      DefinitionParser.parse(shape.definition());
      millis[i] = (System.nanoTime() - begin) / 1e6;
    }
    return median(millis);
  }

  static long countEntered(List<HistoryEvent> history) {
    return history.stream().filter(e -> e.type().isStateEntered()).count();
  }

  static ExecutionStore store(Mode mode, Path temp, String name) {
    return switch (mode) {
      case MEMORY -> new InMemoryExecutionStore();
      case DURABLE -> SqliteExecutionStore.open(temp.resolve(name + ".db"));
    };
  }

  // ---------------------------------------------------------------- memory

  /** Used heap (after GC) before and after starting {@code count} blocked executions. */
  static long[] memoryPerExecution(Mode mode, int count, Path temp) throws Exception {
    String definition =
        """
        {"StartAt": "Block", "States": {"Block": {"Type": "Task", "Resource": "%s", "End": true}}}
        """
            .formatted(BLOCK);
    CountDownLatch dispatched = new CountDownLatch(count);
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                BLOCK,
                request -> {
                  CompletableFuture<JsonNode> never = new CompletableFuture<>();
                  dispatched.countDown();
                  return never;
                });
    ExecutionStore store = store(mode, temp, "memory-" + mode.name().toLowerCase(Locale.ROOT));
    try (Engine engine = Engine.builder().store(store).taskHandlers(handlers).build()) {
      // Warm the code paths (and load the classes) before the baseline.
      Supplier<JsonNode> input = () -> Json.parse("{\"n\": 1}");
      for (int i = 0; i < 200; i++) {
        engine.start(definition, "warm", null, input.get());
      }
      long before = usedHeapAfterGc();
      for (int i = 0; i < count; i++) {
        engine.start(definition, "blocked", null, input.get());
      }
      if (!dispatched.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not every blocked execution reached its Task");
      }
      long after = usedHeapAfterGc();
      java.lang.ref.Reference.reachabilityFence(engine);
      return new long[] {before, after};
    }
  }

  static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  // ---------------------------------------------------------------- output

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static void writeJson(Path file, List<Result> results, List<String> memory, int warmup, int runs)
      throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("{\n  \"jvm\": \"")
        .append(System.getProperty("java.runtime.version"))
        .append("\",\n  \"cores\": ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(",\n  \"warmup\": ")
        .append(warmup)
        .append(",\n  \"runs\": ")
        .append(runs)
        .append(",\n  \"throughput\": [\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      out.append(
          String.format(
              Locale.ROOT,
              "    {\"shape\":\"%s\",\"mode\":\"%s\",\"transitions\":%d,"
                  + "\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"medianMillis\":%.3f,"
                  + "\"meanCpuMillis\":%.3f,\"parseMillis\":%.3f}%s%n",
              r.shape().key(),
              r.mode().name(),
              r.transitions(),
              r.median(),
              r.min(),
              r.max(),
              r.medianMillis(),
              r.meanCpuMillis(),
              r.parseMillis(),
              i + 1 < results.size() ? "," : ""));
    }
    out.append("  ],\n  \"memory\": [").append(String.join(",", memory)).append("]\n}\n");
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, out);
  }

  static void deleteRecursively(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
