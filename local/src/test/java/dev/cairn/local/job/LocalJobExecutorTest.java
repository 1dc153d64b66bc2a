package dev.cairn.local.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.local.job.LocalJobExecutor.Options;
import dev.cairn.local.job.LocalJobExecutor.SandboxMode;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobResult.Outcome;
import dev.cairn.pipeline.port.JobSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalJobExecutorTest {
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  @TempDir Path temp;
  private Path workspace;
  private Path logs;

  /** Outside /tmp, which the sandbox replaces anyway: a place only the sandbox can hide. */
  private Path outsideTmp;

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final JobOutput output = (step, line) -> lines.add(step + ": " + line);

  @BeforeEach
  void setUp() throws IOException {
    workspace = Files.createDirectories(temp.resolve("workspace"));
    logs = temp.resolve("logs");
    outsideTmp =
        Files.createDirectories(Path.of("target", "sandbox-tests", UUID.randomUUID().toString()))
            .toAbsolutePath();
  }

  @AfterEach
  void tearDown() throws IOException {
    try (var paths = Files.walk(outsideTmp)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private LocalJobExecutor executor(SandboxMode mode) {
    return new LocalJobExecutor(Options.builder(logs).sandbox(mode).build());
  }

  private LocalJobExecutor sandboxed(Options.Builder options) {
    LocalJobExecutor executor = new LocalJobExecutor(options.build());
    assumeTrue(
        executor.isolation().sandboxed(),
        "bubblewrap is not usable on this machine (run scripts/ensure-packages.sh as root): "
            + executor.isolation().warning());
    return executor;
  }

  private JobSpec job(String id, StepSpec... steps) {
    return new JobSpec(id, workspace, List.of(steps), Map.of(), TEN_MINUTES, false, Set.of());
  }

  private static StepSpec step(String name, String run) {
    return new StepSpec(name, run, null);
  }

  private static JobResult finish(CompletableFuture<JobResult> future) throws Exception {
    return future.get(1, TimeUnit.MINUTES);
  }

  private List<String> stepLines() {
    synchronized (lines) {
      return lines.stream().filter(l -> !l.startsWith(LocalJobExecutor.CAIRN_STEP + ": ")).toList();
    }
  }

  private static boolean processRunning(String marker) {
    return ProcessHandle.allProcesses()
        .anyMatch(
            h ->
                h.pid() != ProcessHandle.current().pid()
                    && h.info().commandLine().orElse("").contains(marker));
  }

  /** A unique argument for sleep, so the test can find the process by its command line. */
  private static String uniqueSleep() {
    return "29." + (System.nanoTime() % 1_000_000_000L);
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void stepsRunInOrderInTheWorkspaceAndTheJobSucceeds(SandboxMode mode) throws Exception {
    JobResult result =
        finish(
            executor(mode)
                .run(
                    job("ok", step("write", "echo built > out.txt"), step("read", "cat out.txt")),
                    output));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.failedStep()).isNull();
    assertThat(result.message()).isEqualTo("2 steps succeeded");
    assertThat(workspace.resolve("out.txt")).hasContent("built");
    assertThat(stepLines()).containsExactly("read: built");
    assertThat(result.log()).isEqualTo(logs.resolve("ok.log"));
    assertThat(Files.readString(result.log())).contains("[read] built");
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void theFirstFailingStepEndsTheJob(SandboxMode mode) throws Exception {
    JobResult result =
        finish(
            executor(mode)
                .run(
                    job(
                        "fails",
                        step("compile", "echo oops; exit 3"),
                        step("after", "touch after")),
                    output));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.failedStep()).isEqualTo("compile");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.message()).isEqualTo("step 'compile' exited with 3");
    assertThat(workspace.resolve("after")).doesNotExist();
    assertThat(Files.readString(result.log())).contains("[compile] oops", "exited with 3");
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void aStepOverItsTimeLimitIsKilledWithEverythingItStarted(SandboxMode mode) throws Exception {
    String child = uniqueSleep();
    String main = uniqueSleep() + "1";
    StepSpec slow =
        new StepSpec("slow", "sleep " + child + " & exec sleep " + main, Duration.ofSeconds(1));

    JobResult result =
        finish(executor(mode).run(job("slow", slow, step("next", "touch next")), output));

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.failedStep()).isEqualTo("slow");
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.message())
        .isEqualTo("step 'slow' timed out: its time limit of 1s was reached");
    assertThat(processRunning(main)).as("the step's process").isFalse();
    assertThat(processRunning(child)).as("the step's background child").isFalse();
    assertThat(workspace.resolve("next")).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void theJobTimeLimitAppliesToTheStepsTogether(SandboxMode mode) throws Exception {
    String marker = uniqueSleep();
    JobSpec spec =
        new JobSpec(
            "job-limit",
            workspace,
            List.of(step("quick", "true"), step("slow", "exec sleep " + marker)),
            Map.of(),
            Duration.ofSeconds(1),
            false,
            Set.of());

    JobResult result = finish(executor(mode).run(spec, output));

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.failedStep()).isEqualTo("slow");
    assertThat(result.message())
        .isEqualTo("step 'slow' timed out: the job's time limit of 1s was reached");
    assertThat(processRunning(marker)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void outputIsStreamedLiveAndInOrderWithStderrMerged(SandboxMode mode) throws Exception {
    CompletableFuture<JobResult> future =
        executor(mode)
            .run(
                job(
                    "live",
                    step(
                        "talk",
                        "echo one; echo two >&2; echo three;"
                            + " while [ ! -e go ]; do sleep 0.05; done; echo four")),
                output);

    await().atMost(Duration.ofSeconds(30)).until(() -> stepLines().size() == 3);
    assertThat(future).isNotDone();
    assertThat(stepLines()).containsExactly("talk: one", "talk: two", "talk: three");

    Files.createFile(workspace.resolve("go"));
    assertThat(finish(future).outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(stepLines()).containsExactly("talk: one", "talk: two", "talk: three", "talk: four");
    assertThat(Files.readString(logs.resolve("live.log")))
        .containsSubsequence("[talk] one", "[talk] two", "[talk] three", "[talk] four");
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void maskedValuesNeverReachTheOutputOrTheLog(SandboxMode mode) throws Exception {
    String secret = "hunter2-" + UUID.randomUUID();
    JobSpec spec =
        new JobSpec(
            "masked",
            workspace,
            List.of(step("leak", "echo \"token=$TOKEN\"; echo \"$TOKEN$TOKEN\" >&2")),
            Map.of("TOKEN", secret),
            TEN_MINUTES,
            false,
            Set.of(secret, "unused-secret"));

    JobResult result = finish(executor(mode).run(spec, output));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(stepLines()).containsExactly("leak: token=***", "leak: ******");
    String log = Files.readString(result.log());
    assertThat(log).contains("[leak] token=***").doesNotContain(secret);
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void stepTextReachesTheShellVerbatimAsOneArgument(SandboxMode mode) throws Exception {
    String hostile = "echo \"$(echo inner)\" '; rm -rf /' '$(touch pwned)' '${secrets.X}'";
    String argv = "tr '\\0' '\\n' < /proc/$$/cmdline";

    JobResult result =
        finish(executor(mode).run(job("hostile", step("a", hostile), step("b", argv)), output));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(stepLines())
        .containsExactly(
            "a: inner ; rm -rf / $(touch pwned) ${secrets.X}", "b: /bin/sh", "b: -c", "b: " + argv);
    assertThat(workspace.resolve("pwned")).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void stepsSeeOnlyTheJobsEnvironment(SandboxMode mode) throws Exception {
    // Surefire sets GIT_CONFIG_GLOBAL for this JVM; a step must not inherit Cairn's environment.
    assumeTrue(
        System.getenv("GIT_CONFIG_GLOBAL") != null, "surefire did not set GIT_CONFIG_GLOBAL");
    JobSpec spec =
        new JobSpec(
            "env",
            workspace,
            List.of(
                step("env", "echo \"[$GIT_CONFIG_GLOBAL][$GREETING][$LANG]\"; test -w \"$HOME\"")),
            Map.of("GREETING", "hello"),
            TEN_MINUTES,
            false,
            Set.of());

    JobResult result = finish(executor(mode).run(spec, output));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(stepLines()).containsExactly("env: [][hello][C.UTF-8]");
  }

  /** The step's own process (the sleep with this unique argument), not a wrapper around it. */
  private static java.util.Optional<ProcessHandle> sleepOf(String marker) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().command().orElse("").endsWith("/sleep"))
        .filter(h -> h.info().commandLine().orElse("").contains(marker))
        .findFirst();
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void aStepKilledFromOutsideIsKilledNotFailed(SandboxMode mode) throws Exception {
    String marker = uniqueSleep();
    LocalJobExecutor executor = executor(mode);
    CompletableFuture<JobResult> future =
        executor.run(job("killed", step("wait", "echo started; exec sleep " + marker)), output);
    await().atMost(Duration.ofSeconds(30)).until(() -> sleepOf(marker).isPresent());

    // What the OOM killer or an operator does: SIGKILL to the step's process, not through Cairn.
    Process kill =
        new ProcessBuilder("kill", "-9", Long.toString(sleepOf(marker).orElseThrow().pid()))
            .start();
    assertThat(kill.waitFor()).isZero();

    JobResult result = finish(future);
    assertThat(result.outcome()).isEqualTo(Outcome.KILLED);
    assertThat(result.exitCode()).isEqualTo(137);
    assertThat(result.signal()).isEqualTo(9);
    assertThat(result.failedStep()).isEqualTo("wait");
    assertThat(result.message())
        .isEqualTo("step 'wait' was killed from outside Cairn by signal 9 (SIGKILL)");
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void aStepThatExitsWithAnUnusualStatusOrCrashesItselfStillFails(SandboxMode mode)
      throws Exception {
    LocalJobExecutor executor = executor(mode);

    JobResult exited = finish(executor.run(job("exits", step("s", "exit 3")), output));
    JobResult crashed = finish(executor.run(job("crashes", step("s", "kill -SEGV $$")), output));

    assertThat(exited.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(exited.signal()).isZero();
    assertThat(crashed.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(crashed.exitCode()).isEqualTo(139);
  }

  @ParameterizedTest
  @EnumSource(SandboxMode.class)
  void cancelKillsTheRunningStep(SandboxMode mode) throws Exception {
    String marker = uniqueSleep();
    LocalJobExecutor executor = executor(mode);
    CompletableFuture<JobResult> future =
        executor.run(job("cancel-me", step("wait", "echo started; exec sleep " + marker)), output);
    await().atMost(Duration.ofSeconds(30)).until(() -> stepLines().contains("wait: started"));

    executor.cancel("cancel-me");

    JobResult result = finish(future);
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.message()).isEqualTo("job cancel-me was cancelled in step 'wait'");
    assertThat(processRunning(marker)).isFalse();
    executor.cancel("cancel-me"); // ended: nothing happens
  }

  @Test
  void withoutTheSandboxEveryJobStartsWithOneWarningLine() throws Exception {
    finish(executor(SandboxMode.OFF).run(job("plain", step("s", "echo hi")), output));

    assertThat(lines.get(0))
        .isEqualTo(
            "cairn: warning: the sandbox is turned off; steps run as plain processes without"
                + " isolation");
    assertThat(lines.stream().filter(l -> l.contains("warning"))).hasSize(1);
    assertThat(Files.readString(logs.resolve("plain.log"))).startsWith("[cairn] warning:");
  }

  @Test
  void aMissingBubblewrapIsAWarningNotAFailure() throws Exception {
    LocalJobExecutor executor =
        new LocalJobExecutor(
            Options.builder(logs)
                .bubblewrap(temp.resolve("no-bwrap"))
                .cgroupRoot(temp.resolve("no-cgroups"))
                .build());

    JobResult result = finish(executor.run(job("nobwrap", step("s", "echo hi")), output));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(executor.isolation().sandboxed()).isFalse();
    assertThat(lines.get(0))
        .startsWith("cairn: warning: bubblewrap is not available;")
        .endsWith("steps run as plain processes without isolation");
  }

  @Test
  void invalidJobIdsAreRejected() {
    LocalJobExecutor executor = executor(SandboxMode.OFF);
    assertThatThrownBy(() -> executor.run(job("../escape", step("s", "true")), output))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not usable as a file name");
  }

  @Test
  void onAMachineWithBubblewrapTheSandboxIsUsedWithoutWarning() throws Exception {
    LocalJobExecutor executor = sandboxed(Options.builder(logs));
    finish(executor.run(job("quiet", step("s", "echo hi")), output));

    assertThat(lines.stream().anyMatch(l -> l.contains("warning")))
        .isEqualTo(!executor.isolation().limited());
  }

  @Test
  void aSandboxedStepCannotWriteOutsideItsWorkspace() throws Exception {
    LocalJobExecutor executor = sandboxed(Options.builder(logs));
    Path outside = Files.createDirectories(outsideTmp.resolve("outside"));

    JobResult result =
        finish(
            executor.run(
                job(
                    "jail",
                    step("inside", "touch inside"),
                    step(
                        "outside",
                        "touch '" + outside + "/escaped' || touch /usr/escaped || exit 7")),
                output));

    assertThat(result.failedStep()).isEqualTo("outside");
    assertThat(result.exitCode()).isEqualTo(7);
    assertThat(workspace.resolve("inside")).exists();
    assertThat(outside.resolve("escaped")).doesNotExist();
    assertThat(Path.of("/usr/escaped")).doesNotExist();
  }

  @Test
  void aSandboxedStepCannotSeeTheHiddenPaths() throws Exception {
    Path cairnHome = Files.createDirectories(outsideTmp.resolve("cairn-home"));
    Files.writeString(cairnHome.resolve("secret"), "top secret");
    // As in real use: the workspace lives inside the hidden directory.
    workspace = Files.createDirectories(cairnHome.resolve("workspaces/run-1"));
    LocalJobExecutor executor = sandboxed(Options.builder(logs).hide(cairnHome));
    JobSpec spec =
        new JobSpec(
            "hidden",
            workspace,
            List.of(
                step("work", "echo ok > result"),
                step("peek", "ls -A \"$HIDDEN\"; cat \"$HIDDEN/secret\"")),
            Map.of("HIDDEN", cairnHome.toString()),
            TEN_MINUTES,
            false,
            Set.of());

    JobResult result = finish(executor.run(spec, output));

    assertThat(result.failedStep()).isEqualTo("peek");
    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(workspace.resolve("result")).hasContent("ok");
    assertThat(String.join("\n", stepLines()))
        .doesNotContain("top secret")
        .contains("peek: workspaces", "No such file");
  }

  @Test
  void aSandboxedStepHasNoNetworkUnlessTheJobAsksForIt() throws Exception {
    LocalJobExecutor executor = sandboxed(Options.builder(logs));
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      String connect = "exec bash -c 'echo hi > /dev/tcp/127.0.0.1/" + server.getLocalPort() + "'";
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return server.accept();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      JobResult offline = finish(executor.run(job("offline", step("connect", connect)), output));
      JobResult online =
          finish(
              executor.run(
                  new JobSpec(
                      "online",
                      workspace,
                      List.of(step("connect", connect)),
                      Map.of(),
                      TEN_MINUTES,
                      true,
                      Set.of()),
                  output));

      assertThat(offline.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(online.outcome()).isEqualTo(Outcome.SUCCEEDED);
      accepted.get(1, TimeUnit.MINUTES).close();
    }
  }

  @Test
  void cgroupLimitsAreAppliedToEachStep() throws Exception {
    LocalJobExecutor executor =
        new LocalJobExecutor(
            Options.builder(logs)
                .memoryBytes(64L * 1024 * 1024)
                .cpus(0.5)
                .maxProcesses(64)
                .build());
    assumeTrue(
        executor.isolation().limited(),
        "cgroup v1 limits are not usable here: " + executor.isolation().warning());
    String group = "/sys/fs/cgroup/%s/cairn/limits-0-*/";

    JobResult result =
        finish(
            executor.run(
                job(
                    "limits",
                    step(
                        "read",
                        "cat "
                            + group.formatted("memory")
                            + "memory.limit_in_bytes "
                            + group.formatted("cpu")
                            + "cpu.cfs_quota_us "
                            + group.formatted("pids")
                            + "pids.max")),
                output));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(stepLines()).containsExactly("read: 67108864", "read: 50000", "read: 64");
    try (var left = Files.list(Path.of("/sys/fs/cgroup/memory/cairn"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("limits-"));
    }
  }

  @Test
  void aStepOverItsMemoryLimitFailsAndSaysSo() throws Exception {
    LocalJobExecutor executor =
        new LocalJobExecutor(Options.builder(logs).memoryBytes(32L * 1024 * 1024).build());
    assumeTrue(
        executor.isolation().limited(),
        "cgroup v1 limits are not usable here: " + executor.isolation().warning());

    JobResult result =
        finish(
            executor.run(
                job("hog", step("hog", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo done")),
                output));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.message())
        .startsWith("step 'hog' was killed for exceeding its memory limit of 32 MiB");
    assertThat(stepLines()).doesNotContain("hog: done");
  }
}
