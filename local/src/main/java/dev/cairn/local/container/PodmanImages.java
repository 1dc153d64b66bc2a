package dev.cairn.local.container;

import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.secret.Masker;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Builds images with {@code podman build} and runs one-off containers (migrations) with the
 * releases' isolation ({@link Podman#runCommand}). Their output is masked, streamed to the caller
 * and written to {@code LOGS/ID.log}.
 */
public final class PodmanImages implements ContainerImages {
  private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}");
  private static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "TZ");
  private static final String JOB_LABEL = "cairn.job";

  private final Podman podman;
  private final Path logs;

  /**
   * Creates the adapter.
   *
   * @param podman the Podman command line
   * @param logs where the builds' and one-off containers' logs go
   */
  public PodmanImages(Podman podman, Path logs) {
    this.podman = podman;
    this.logs = logs;
  }

  @Override
  public Optional<String> unavailable() {
    return podman.unavailable();
  }

  @Override
  public Built build(ImageBuild build, JobOutput output) {
    Path iidFile = logs.resolve(build.id() + ".iid");
    List<String> argv = podman.base();
    argv.addAll(
        List.of(
            "build",
            "--file",
            build.file().toString(),
            "--tag",
            build.tag(),
            "--iidfile",
            iidFile.toString(),
            // RUN steps get the network only when the pipeline allows it, as build steps do.
            "--network=" + (build.network() ? "host" : "none")));
    for (String limit : Podman.ulimits()) {
      argv.add("--ulimit");
      argv.add(limit);
    }
    if (build.tree() != null) {
      argv.add("--label");
      argv.add(Podman.TREE_LABEL + "=" + build.tree());
    }
    argv.add(build.context().toString());
    try {
      Files.deleteIfExists(iidFile);
    } catch (IOException e) {
      // Written afresh by the build.
    }
    JobResult result =
        execute(build.id(), "image", argv, Map.of(), build.timeout(), build.masked(), output, null);
    String id = null;
    if (result.outcome() == JobResult.Outcome.SUCCEEDED) {
      try {
        id = normalise(Files.readString(iidFile).strip()).orElse(null);
        Files.deleteIfExists(iidFile);
      } catch (IOException e) {
        return new Built(
            new JobResult(
                JobResult.Outcome.FAILED,
                "image",
                1,
                result.log(),
                "podman build left no image id: " + e.getMessage()),
            null);
      }
    }
    return new Built(result, id);
  }

  @Override
  public Optional<String> forTree(String tree) {
    if (tree == null || !tree.matches("[0-9A-Za-z]{1,128}")) {
      return Optional.empty();
    }
    List<String> argv = podman.base();
    argv.addAll(
        List.of(
            "images",
            "--quiet",
            "--no-trunc",
            "--filter",
            "label=" + Podman.TREE_LABEL + "=" + tree));
    return podman
        .output(argv, Duration.ofSeconds(30))
        .flatMap(out -> out.lines().findFirst())
        .flatMap(PodmanImages::normalise);
  }

  @Override
  public boolean exists(String imageId) {
    Optional<String> id = normalise(imageId);
    if (id.isEmpty()) {
      return false;
    }
    List<String> argv = podman.base();
    argv.addAll(List.of("image", "inspect", "--format", "{{.Id}}", bare(id.get())));
    return podman.output(argv, Duration.ofSeconds(30)).isPresent();
  }

  @Override
  public JobResult run(OneOff run, JobOutput output) {
    String name = "cairn-job-" + run.id().replaceAll("[^A-Za-z0-9_.-]", "_");
    Optional<String> image = normalise(run.imageId());
    if (image.isEmpty()) {
      return new JobResult(
          JobResult.Outcome.FAILED,
          run.step().name(),
          1,
          null,
          "not an image id: " + run.imageId());
    }
    List<String> argv =
        podman.runCommand(
            name,
            List.of(JOB_LABEL + "=" + run.id()),
            run.env().keySet(),
            bare(image.get()),
            run.step().run());
    return execute(
        run.id(), run.step().name(), argv, run.env(), run.timeout(), run.masked(), output, name);
  }

  /**
   * Runs a podman command to its end, its output masked to the caller and the log.
   *
   * @param container the container to remove when the time limit passes, or null
   */
  private JobResult execute(
      String id,
      String step,
      List<String> argv,
      Map<String, String> env,
      Duration timeout,
      Set<String> masked,
      JobOutput output,
      String container) {
    Masker masker = new Masker(masked);
    Path log = logs.resolve(id + ".log");
    try {
      Files.createDirectories(logs);
      Map<String, String> environment = new HashMap<>();
      for (String name : BASE_ENV) {
        String value = System.getenv(name);
        if (value != null) {
          environment.put(name, value);
        }
      }
      // The values of `-e NAME`: in podman's environment, never on its command line.
      environment.putAll(env);
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(environment);
      Process process = builder.start();
      java.util.concurrent.atomic.AtomicReference<String> last =
          new java.util.concurrent.atomic.AtomicReference<>("");
      Thread pump = Thread.ofVirtual().start(() -> pump(process, step, log, masker, output, last));
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        if (container != null) {
          podman.removeContainer(container);
        }
        process.destroyForcibly();
        process.waitFor();
        pump.join(Duration.ofSeconds(5));
        return new JobResult(
            JobResult.Outcome.TIMED_OUT,
            step,
            -1,
            log,
            "step '" + step + "' timed out after " + timeout.toSeconds() + "s");
      }
      pump.join(Duration.ofSeconds(5));
      int exit = process.exitValue();
      if (exit == 0) {
        return new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, log, "succeeded");
      }
      // Podman reports a container killed by a signal as 128 + the signal, as a shell does.
      boolean killed = exit == 129 || exit == 130 || exit == 137 || exit == 143;
      return new JobResult(
          killed ? JobResult.Outcome.KILLED : JobResult.Outcome.FAILED,
          step,
          exit,
          log,
          "step '"
              + step
              + "' exited with "
              + exit
              + (last.get().isEmpty() ? "" : ": " + last.get()));
    } catch (IOException e) {
      return new JobResult(
          JobResult.Outcome.FAILED, step, 1, log, "podman could not be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (container != null) {
        podman.removeContainer(container);
      }
      return new JobResult(JobResult.Outcome.FAILED, step, 1, log, "interrupted");
    }
  }

  /** Copies the output, masked, to the log and the caller; keeps the last line for the message. */
  private static void pump(
      Process process,
      String step,
      Path log,
      Masker masker,
      JobOutput output,
      java.util.concurrent.atomic.AtomicReference<String> last) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String safe = masker.mask(line);
        if (!safe.isBlank()) {
          last.set(safe.length() > 300 ? safe.substring(0, 300) + "..." : safe.strip());
        }
        file.write("[" + step + "] " + safe);
        file.newLine();
        file.flush();
        try {
          output.line(step, safe);
        } catch (RuntimeException e) {
          // A failing listener must not break the job; the log file has every line.
        }
      }
    } catch (IOException e) {
      // The process ended or the log cannot be written: its outcome still decides.
    }
  }

  /** {@code sha256:<hex>} for an image id with or without its prefix, else empty. */
  static Optional<String> normalise(String id) {
    if (id == null || !IMAGE_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return Optional.of(id.startsWith("sha256:") ? id : "sha256:" + id);
  }

  private static String bare(String id) {
    return id.substring("sha256:".length());
  }

  /** The Podman command line this adapter uses (the deployer runs releases with the same one). */
  public Podman podman() {
    return podman;
  }
}
