package dev.cairn.local.job;

import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobResult.Outcome;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.secret.Masker;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a job's steps as {@code /bin/sh -c <run>} in the job's workspace, in order, stopping at the
 * first failure.
 *
 * <p>Where the machine allows, each step runs inside bubblewrap (read-only system, the workspace as
 * the only writable directory besides a private /tmp, no network unless the job asks for it, a
 * clean environment, the configured {@linkplain Options.Builder#hide hidden paths} covered) and
 * inside a control group (v1 or v2) with memory, CPU and process-count limits. Where it does not,
 * steps run as plain processes and every job's output starts with one warning line saying so (see
 * {@link #isolation()}).
 *
 * <p>Output (stdout and stderr merged) is masked and delivered line by line, live, to the caller
 * and to {@code <log directory>/<job id>.log}.
 */
public final class LocalJobExecutor implements JobExecutor {
  /** The step name of lines Cairn itself adds to a job's output (the isolation warning). */
  public static final String CAIRN_STEP = "cairn";

  private static final System.Logger LOG = System.getLogger(LocalJobExecutor.class.getName());
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * Puts the shell into the step's cgroups, then replaces itself by the step's command. Arguments:
   * the number of {@code cgroup.procs} files, the files, the command. The step's text is never part
   * of this script; it stays a separate argument.
   */
  private static final String JOIN_CGROUPS =
      "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift;"
          + " n=$((n - 1)); done; exec \"$@\"";

  /** How long a step's output may keep flowing after its process ended (background children). */
  private static final long OUTPUT_GRACE_SECONDS = 2;

  private static final long KILL_WAIT_SECONDS = 5;

  private final Options options;
  private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
  private Isolation isolation;
  private Bubblewrap bubblewrap;
  private Cgroups cgroups;

  /** An executor with the given options; isolation is probed on first use. */
  public LocalJobExecutor(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * What isolation this machine gives the steps. Probed once (a trial bubblewrap run and a trial
   * cgroup), then remembered.
   */
  public synchronized Isolation isolation() {
    if (isolation == null) {
      List<String> missing = new ArrayList<>();
      // The private /tmp is capped at the memory limit: a tmpfs lives in memory.
      Bubblewrap bwrap =
          new Bubblewrap(
              options.bubblewrap(),
              options.hiddenPaths(),
              options.sharedPaths(),
              Bubblewrap.userHome(),
              options.memoryBytes());
      Cgroups groups = new Cgroups(options.cgroupRoot(), options);
      boolean sandboxed = false;
      boolean limited = false;
      if (options.sandbox() == SandboxMode.OFF) {
        missing.add("the sandbox is turned off");
      } else {
        var bwrapProblem = bwrap.probe();
        bwrapProblem.ifPresent(missing::add);
        sandboxed = bwrapProblem.isEmpty();
        var cgroupProblem = groups.probe();
        cgroupProblem.ifPresent(p -> missing.add("no cgroup limits: " + p));
        limited = cgroupProblem.isEmpty();
      }
      String warning = null;
      if (!missing.isEmpty()) {
        warning =
            "warning: "
                + String.join("; ", missing)
                + (sandboxed
                    ? "; steps run sandboxed but without memory, CPU and process limits"
                    : limited
                        ? "; steps run as plain processes (with resource limits) without a sandbox"
                        : "; steps run as plain processes without isolation");
        LOG.log(
            System.Logger.Level.WARNING,
            "jobs are not fully isolated: " + String.join("; ", missing));
      }
      bubblewrap = sandboxed ? bwrap : null;
      cgroups = limited ? groups : null;
      isolation = new Isolation(sandboxed, limited, warning);
    }
    return isolation;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A cancelled job ends FAILED with exit code -1; a step killed by a signal Cairn did not send
   * ends KILLED (see StepExit).
   *
   * @throws IllegalArgumentException when the job id is not a plain name ({@code [A-Za-z0-9._-]+}),
   *     its workspace is not a directory, or a job with this id is running
   */
  @Override
  public CompletableFuture<JobResult> run(JobSpec job, JobOutput output) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(output, "output");
    if (!JOB_ID.matcher(job.id()).matches() || job.id().startsWith(".")) {
      throw new IllegalArgumentException(
          "job id '" + job.id() + "' is not usable as a file name: use letters, digits, . _ -");
    }
    if (!Files.isDirectory(job.workspace())) {
      throw new IllegalArgumentException(
          "the workspace of job " + job.id() + " is not a directory: " + job.workspace());
    }
    Isolation isolation = isolation();
    RunningJob state = new RunningJob();
    if (running.putIfAbsent(job.id(), state) != null) {
      throw new IllegalArgumentException("job " + job.id() + " is already running");
    }
    CompletableFuture<JobResult> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("cairn-job-" + job.id())
        .start(
            () -> {
              try {
                result.complete(new JobRun(job, output, isolation, state).run());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              } finally {
                running.remove(job.id(), state);
              }
            });
    return result;
  }

  @Override
  public void cancel(String jobId) {
    RunningJob state = running.get(jobId);
    if (state != null) {
      state.cancel();
    }
  }

  /** The mutable part of a running job that {@link #cancel} reaches. */
  private final class RunningJob {
    private boolean cancelled;
    private Process process;
    private Cgroups.Group group;

    synchronized boolean started(Process process, Cgroups.Group group) {
      this.process = process;
      this.group = group;
      return !cancelled;
    }

    synchronized boolean cancelled() {
      return cancelled;
    }

    void cancel() {
      Process current;
      Cgroups.Group currentGroup;
      synchronized (this) {
        cancelled = true;
        current = process;
        currentGroup = group;
      }
      if (current != null) {
        killTree(current, currentGroup);
      }
    }
  }

  /** Kills a step's process and everything it started, and waits (bounded) for them to end. */
  private static void killTree(Process process, Cgroups.Group group) {
    if (group != null) {
      group.killAll();
    }
    // Collected before the kill: once the parent dies its children are adopted and unreachable.
    List<ProcessHandle> tree =
        Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KILL_WAIT_SECONDS);
    if (!Reaper.killUntilGone(() -> tree, deadline)) {
      LOG.log(System.Logger.Level.WARNING, "some processes of a step did not end when killed");
    }
  }

  /** One execution of a job, on its own thread. */
  private final class JobRun {
    private final JobSpec job;
    private final JobOutput output;
    private final Isolation isolation;
    private final RunningJob state;

    JobRun(JobSpec job, JobOutput output, Isolation isolation, RunningJob state) {
      this.job = job;
      this.output = output;
      this.isolation = isolation;
      this.state = state;
    }

    JobResult run() throws IOException, InterruptedException {
      Files.createDirectories(options.logDirectory());
      Path logFile = options.logDirectory().resolve(job.id() + ".log");
      Path privateTmp = isolation.sandboxed() ? null : Files.createTempDirectory("cairn-job-");
      JobResult result;
      try (JobLog log = new JobLog(logFile, output, new Masker(job.masked()))) {
        isolation.warningLine().ifPresent(w -> log.line(CAIRN_STEP, w));
        result = steps(log, privateTmp);
        log.line(CAIRN_STEP, result.message());
        IOException failure = log.writeFailure();
        if (failure != null) {
          throw new IOException(
              "cannot write the log of job " + job.id() + " to " + logFile, failure);
        }
      } finally {
        if (privateTmp != null) {
          deleteTree(privateTmp);
        }
      }
      return result;
    }

    private JobResult steps(JobLog log, Path privateTmp) throws InterruptedException {
      long jobDeadline = JobTimes.deadline(System.nanoTime(), job.timeout());
      Path workspace;
      try {
        workspace = job.workspace().toRealPath();
      } catch (IOException e) {
        return failed(
            log,
            null,
            -1,
            "the workspace " + job.workspace() + " is not usable: " + e.getMessage());
      }
      Map<String, String> env = environment(privateTmp);
      for (int index = 0; index < job.steps().size(); index++) {
        StepSpec step = job.steps().get(index);
        if (state.cancelled()) {
          return failed(
              log,
              step.name(),
              -1,
              "job " + job.id() + " was cancelled before step '" + step.name() + "'");
        }
        long now = System.nanoTime();
        long stepDeadline = JobTimes.deadline(now, step.timeout());
        boolean jobLimitBinds = jobDeadline < stepDeadline;
        long until = Math.min(jobDeadline, stepDeadline);
        JobResult failure = step(log, workspace, env, index, step, until, jobLimitBinds);
        if (failure != null) {
          return failure;
        }
      }
      int count = job.steps().size();
      return new JobResult(
          Outcome.SUCCEEDED,
          null,
          0,
          log.file(),
          count == 1 ? "1 step succeeded" : count + " steps succeeded");
    }

    /** Runs one step; null when it succeeded, else the job's result. */
    private JobResult step(
        JobLog log,
        Path workspace,
        Map<String, String> env,
        int index,
        StepSpec step,
        long until,
        boolean jobLimitBinds)
        throws InterruptedException {
      List<String> command = List.of("/bin/sh", "-c", step.run());
      if (bubblewrap != null) {
        command = bubblewrap.wrap(workspace, job.network(), env.get("PATH"), command);
      }
      Cgroups.Group group = null;
      if (cgroups != null) {
        try {
          group = cgroups.create(job.id() + "-" + index + "-" + System.nanoTime());
        } catch (IOException e) {
          return failed(
              log,
              step.name(),
              -1,
              "step '" + step.name() + "' could not get its resource limits: " + e.getMessage());
        }
        List<String> joined =
            new ArrayList<>(List.of("/bin/sh", "-c", JOIN_CGROUPS, "cairn-cgroup"));
        List<Path> procs = group.procsFiles();
        joined.add(Integer.toString(procs.size()));
        procs.forEach(p -> joined.add(p.toString()));
        joined.addAll(command);
        command = joined;
      }
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workspace.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // The environment reaches the step through bubblewrap's own, never through its command line,
      // where other users could read secrets in the process list.
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        if (group != null) {
          group.remove();
        }
        return failed(
            log, step.name(), -1, "step '" + step.name() + "' could not start: " + e.getMessage());
      }
      try {
        OutputPump pump = new OutputPump(job.id(), step.name(), process.getInputStream(), log);
        pump.start();
        if (!state.started(process, group)) {
          killTree(process, group);
          return failed(
              log,
              step.name(),
              -1,
              "job " + job.id() + " was cancelled in step '" + step.name() + "'");
        }
        boolean ended =
            process.waitFor(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!ended) {
          killTree(process, group);
          pump.awaitEnd(OUTPUT_GRACE_SECONDS, TimeUnit.SECONDS);
          if (state.cancelled()) {
            return failed(
                log,
                step.name(),
                -1,
                "job " + job.id() + " was cancelled in step '" + step.name() + "'");
          }
          String limit =
              jobLimitBinds
                  ? "the job's time limit of " + JobTimes.human(job.timeout()) + " was reached"
                  : "its time limit of " + JobTimes.human(step.timeout()) + " was reached";
          return new JobResult(
              Outcome.TIMED_OUT,
              step.name(),
              -1,
              log.file(),
              "step '" + step.name() + "' timed out: " + limit);
        }
        if (group != null) {
          // Background processes the step left behind would otherwise hold its output open.
          group.killAll();
        }
        pump.awaitEnd(OUTPUT_GRACE_SECONDS, TimeUnit.SECONDS);
        if (state.cancelled()) {
          return failed(
              log,
              step.name(),
              -1,
              "job " + job.id() + " was cancelled in step '" + step.name() + "'");
        }
        int exit = process.exitValue();
        if (exit != 0) {
          boolean memory = group != null && group.hitMemoryLimit();
          return StepExit.of(step.name(), exit, memory ? options.memoryBytes() : null, log.file());
        }
        return null;
      } finally {
        state.started(null, null);
        if (group != null) {
          group.remove();
        }
      }
    }

    private JobResult failed(JobLog log, String step, int exit, String message) {
      return new JobResult(Outcome.FAILED, step, exit, log.file(), message);
    }

    private Map<String, String> environment(Path privateTmp) {
      Map<String, String> env = new HashMap<>();
      String path = System.getenv("PATH");
      env.put("PATH", path == null || path.isEmpty() ? DEFAULT_PATH : path);
      env.put("LANG", "C.UTF-8");
      if (privateTmp == null) {
        env.put("HOME", "/tmp");
      } else {
        env.put("HOME", privateTmp.toString());
        env.put("TMPDIR", privateTmp.toString());
      }
      env.putAll(job.env());
      return env;
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(
          System.Logger.Level.WARNING, "could not delete the job's temporary directory " + root);
    }
  }

  /** Whether steps may be sandboxed. */
  public enum SandboxMode {
    /** Bubblewrap and cgroup limits where the machine allows, plain processes otherwise. */
    AUTO,
    /** Plain processes always (with the warning). */
    OFF
  }

  /**
   * How the executor runs steps.
   *
   * @param logDirectory where {@code <job id>.log} files go
   * @param hiddenPaths paths invisible inside the sandbox (Cairn's own state, with its secrets)
   * @param sharedPaths directories every step may read and write (chosen by whoever runs Cairn)
   * @param memoryBytes memory limit of each step
   * @param cpus CPU limit of each step, in CPUs (1.5 = one and a half)
   * @param maxProcesses limit on the processes and threads of each step
   * @param sandbox whether to sandbox at all
   * @param bubblewrap the {@code bwrap} executable
   * @param cgroupRoot where the cgroup hierarchies (v1) or the unified one (v2) are mounted
   */
  public record Options(
      Path logDirectory,
      List<Path> hiddenPaths,
      List<Path> sharedPaths,
      long memoryBytes,
      double cpus,
      int maxProcesses,
      SandboxMode sandbox,
      Path bubblewrap,
      Path cgroupRoot) {
    /** Validates and copies. */
    public Options {
      Objects.requireNonNull(logDirectory, "logDirectory");
      hiddenPaths = List.copyOf(hiddenPaths);
      sharedPaths = List.copyOf(sharedPaths);
      if (memoryBytes < 16L * 1024 * 1024) {
        throw new IllegalArgumentException(
            "memory limit must be at least 16 MiB, was " + memoryBytes + " bytes");
      }
      if (!(cpus >= 0.01)) {
        throw new IllegalArgumentException("CPU limit must be at least 0.01, was " + cpus);
      }
      if (maxProcesses < 1) {
        throw new IllegalArgumentException("process limit must be at least 1, was " + maxProcesses);
      }
      Objects.requireNonNull(sandbox, "sandbox");
      Objects.requireNonNull(bubblewrap, "bubblewrap");
      Objects.requireNonNull(cgroupRoot, "cgroupRoot");
    }

    /** Options with defaults: 2 GiB, all CPUs, 1024 processes, sandbox where possible. */
    public static Builder builder(Path logDirectory) {
      return new Builder(logDirectory);
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private final Path logDirectory;
      private final List<Path> hidden = new ArrayList<>();
      private final List<Path> shared = new ArrayList<>();
      private long memoryBytes = 2L * 1024 * 1024 * 1024;
      private double cpus = Runtime.getRuntime().availableProcessors();
      private int maxProcesses = 1024;
      private SandboxMode sandbox = SandboxMode.AUTO;
      private Path bubblewrap;
      private Path cgroupRoot = Path.of("/sys/fs/cgroup");

      private Builder(Path logDirectory) {
        this.logDirectory = logDirectory;
      }

      /** Makes {@code path} invisible inside the sandbox (e.g. {@code CAIRN_HOME}). */
      public Builder hide(Path path) {
        hidden.add(path.toAbsolutePath().normalize());
        return this;
      }

      /** Lets every step read and write {@code directory} (e.g. a cache the operator shares). */
      public Builder share(Path directory) {
        shared.add(directory.toAbsolutePath().normalize());
        return this;
      }

      /** Memory limit of each step. */
      public Builder memoryBytes(long bytes) {
        this.memoryBytes = bytes;
        return this;
      }

      /** CPU limit of each step, in CPUs. */
      public Builder cpus(double cpus) {
        this.cpus = cpus;
        return this;
      }

      /** Limit on the processes (and threads) of each step. */
      public Builder maxProcesses(int count) {
        this.maxProcesses = count;
        return this;
      }

      /** Whether to sandbox. */
      public Builder sandbox(SandboxMode mode) {
        this.sandbox = mode;
        return this;
      }

      /** The {@code bwrap} executable (found on the PATH by default). */
      public Builder bubblewrap(Path executable) {
        this.bubblewrap = executable;
        return this;
      }

      /**
       * Where the cgroups (v1 hierarchies or v2 unified) are mounted ({@code /sys/fs/cgroup} by
       * default).
       */
      public Builder cgroupRoot(Path root) {
        this.cgroupRoot = root;
        return this;
      }

      /** The options. */
      public Options build() {
        return new Options(
            logDirectory,
            hidden,
            shared,
            memoryBytes,
            cpus,
            maxProcesses,
            sandbox,
            bubblewrap != null ? bubblewrap : Bubblewrap.locate(),
            cgroupRoot);
      }
    }
  }
}
