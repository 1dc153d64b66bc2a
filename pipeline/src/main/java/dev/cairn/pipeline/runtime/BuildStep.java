package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.artifact.Archive;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.RunEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code validate} and {@code build} states: number the run, check out the commit, read and
 * validate its pipeline file, reuse the artifact of an identical tree or run the build steps in a
 * job and store the artifact by digest.
 */
final class BuildStep {
  private final StepSupport support;
  private final RuntimePorts ports;

  BuildStep(StepSupport support) {
    this.support = support;
    this.ports = support.ports;
  }

  /** Numbers the run if it has no number yet; returns its facts. */
  RunFacts validate(String run) {
    RunFacts facts = ports.runs().get(run);
    if (facts.sequence() > 0) {
      return facts;
    }
    long number = ports.runs().nextSequence();
    return ports.runs().update(run, f -> f.withRepository(f.repository(), number));
  }

  /**
   * Builds the run's commit (or reuses the artifact of its tree); returns the digest. Why a build
   * failed is kept in the run's facts: the record of the failure says it, whatever the driver
   * reports to the state machine.
   */
  String build(String run) {
    try {
      return buildOrFail(run);
    } catch (StepFailure failure) {
      if (failure.kind() == CairnError.TRANSIENT) {
        // Retried by the state: not the commit's failure (unless the retries run out, when the
        // state machine's error, Cairn.Transient with this cause, is what the record says).
        throw failure;
      }
      ports
          .runs()
          .update(
              run,
              f ->
                  f.withBuildFailure(
                      new RunFacts.Failure(
                          failure.error(), support.audit.redact(failure.cause()))));
      throw failure;
    }
  }

  private String buildOrFail(String run) {
    Instant started = ports.clock().instant();
    RunFacts facts = ports.runs().update(run, f -> f.withBuildStarted(started));
    Path workspace = checkout(facts);
    String text;
    PipelineDefinition pipeline;
    try {
      text = readPipelineFile(workspace);
      pipeline = StepSupport.parse(text);
    } catch (StepFailure invalid) {
      // The problems (file:line:column each) are the developer's to fix: tell them.
      support.event(
          run, RunEvent.Kind.BUILD_FAILED, null, "invalid pipeline file:\n" + invalid.cause());
      throw invalid;
    }
    facts = ports.runs().update(run, f -> f.withPipelineFile(text));
    if (pipeline.build().image() != null) {
      // Before any step runs: a machine that cannot build the release fails the run at once.
      ports.requireImages();
    }
    if (ports.target() instanceof DeployTarget.Stack) {
      // A commit that cannot be deployed fails its build, not its first environment.
      StackTemplates templates = new StackTemplates(ports);
      for (String path :
          pipeline.environments().stream().map(e -> e.aws().template()).distinct().toList()) {
        StackTemplates.declaredParameters(path, templates.template(run, facts.commit(), path));
      }
    }

    Optional<String> reused = reusable(facts, pipeline);
    if (reused.isPresent()) {
      ports.runs().update(run, f -> f.withArtifact(reused.get()));
      support.event(
          run, RunEvent.Kind.BUILD_REUSED, null, "tree already built: reusing " + reused.get());
      recordBuilt(run, facts.buildStartedAt(), reused.get());
      return reused.get();
    }

    Variables.Resolved variables =
        Variables.resolve(
            pipeline.build().env(),
            new Variables.Context(facts.commit(), null, null, Map.of()),
            ports.secrets());
    Map<String, String> env = new HashMap<>(ports.jobEnvironment());
    env.putAll(variables.env());
    JobSpec spec =
        new JobSpec(
            run + "-build",
            workspace,
            pipeline.build().steps(),
            env,
            pipeline.build().timeout(),
            pipeline.build().network(),
            variables.masked(),
            // What the build leaves for the next stage: the artifact, or the image's context. An
            // executor that runs the steps elsewhere (AWS: the unprivileged build job) brings only
            // this path back into the workspace.
            pipeline.build().image() != null
                ? pipeline.build().image().context()
                : pipeline.build().artifact());
    JobResult result =
        ports
            .jobs()
            .run(spec, (step, line) -> support.event(run, RunEvent.Kind.BUILD_OUTPUT, null, line))
            .join();
    keepLog(run, "build.log", result.log());
    if (result.outcome() == JobResult.Outcome.KILLED) {
      // Half-built output must not meet the retry, which checks the commit out afresh.
      Archive.deleteTreeQuietly(workspace);
      support.event(run, RunEvent.Kind.BUILD_OUTPUT, null, result.message() + "; retrying");
      throw killed("build", result);
    }
    if (result.outcome() != JobResult.Outcome.SUCCEEDED) {
      support.event(run, RunEvent.Kind.BUILD_FAILED, null, result.message());
      throw new StepFailure(CairnError.BUILD_FAILED, result.message());
    }
    if (pipeline.build().image() != null) {
      return buildImage(run, facts, pipeline, workspace, variables.masked());
    }
    Path artifact = artifactPath(workspace, pipeline.build().artifact());
    try {
      String digest = ports.requireArtifacts().put(artifact);
      if (facts.tree() != null) {
        ports.requireArtifacts().recordTree(facts.tree(), digest);
      }
      ports.runs().update(run, f -> f.withArtifact(digest));
      support.event(run, RunEvent.Kind.BUILD_SUCCEEDED, null, "artifact " + digest);
      recordBuilt(run, facts.buildStartedAt(), digest);
      return digest;
    } catch (IOException e) {
      throw new StepFailure(
          CairnError.ARTIFACT_FAILED,
          "the artifact could not be stored: " + StepFailure.describe(e));
    }
  }

  /** The artifact (or image) an identical tree built, if it can still be used. */
  private Optional<String> reusable(RunFacts facts, PipelineDefinition pipeline) {
    if (facts.tree() == null) {
      return Optional.empty();
    }
    if (pipeline.build().image() != null) {
      return ports.requireImages().forTree(facts.tree()).map(id -> StepSupport.IMAGE_PREFIX + id);
    }
    return ports
        .requireArtifacts()
        .forTree(facts.tree())
        .filter(digest -> ports.requireArtifacts().contains(digest));
  }

  /**
   * Builds the release's image from the workspace the build steps left, tagged {@code
   * localhost/cairn-APP:COMMIT} and labelled with the tree; the artifact is {@code image:ID}.
   */
  private String buildImage(
      String run,
      RunFacts facts,
      PipelineDefinition pipeline,
      Path workspace,
      java.util.Set<String> masked) {
    var image = pipeline.build().image();
    Path context = insideWorkspace(workspace, image.context(), "build.image.context");
    String file = image.file();
    if (file == null) {
      String prefix = image.context().equals(".") ? "" : image.context() + "/";
      file =
          prefix
              + (Files.isRegularFile(context.resolve("Containerfile"))
                  ? "Containerfile"
                  : "Dockerfile");
      if (!Files.isRegularFile(context.resolve(file.substring(prefix.length())))) {
        throw new StepFailure(
            CairnError.BUILD_FAILED,
            "build.image: the workspace has no Containerfile or Dockerfile in "
                + image.context()
                + " (build.image.file names another file)");
      }
    }
    Path containerfile = insideWorkspace(workspace, file, "build.image.file");
    support.event(run, RunEvent.Kind.BUILD_OUTPUT, null, "building the image");
    ContainerImages.Built built =
        ports
            .requireImages()
            .build(
                new ContainerImages.ImageBuild(
                    run + "-image",
                    context,
                    containerfile,
                    "localhost/cairn-" + pipeline.name() + ":" + facts.commit(),
                    facts.tree(),
                    pipeline.build().network(),
                    pipeline.build().timeout(),
                    masked),
                (step, line) -> support.event(run, RunEvent.Kind.BUILD_OUTPUT, null, line));
    keepLog(run, "image.log", built.result().log());
    if (built.result().outcome() == JobResult.Outcome.KILLED) {
      Archive.deleteTreeQuietly(workspace);
      throw killed("image build", built.result());
    }
    if (built.result().outcome() != JobResult.Outcome.SUCCEEDED || built.imageId() == null) {
      String message = "the image build failed: " + built.result().message();
      support.event(run, RunEvent.Kind.BUILD_FAILED, null, message);
      throw new StepFailure(CairnError.BUILD_FAILED, message);
    }
    String artifact = StepSupport.IMAGE_PREFIX + built.imageId();
    ports.runs().update(run, f -> f.withArtifact(artifact));
    support.event(run, RunEvent.Kind.BUILD_SUCCEEDED, null, "image " + built.imageId());
    recordBuilt(run, facts.buildStartedAt(), artifact);
    return artifact;
  }

  /** A path of the pipeline file that must exist inside the workspace once links are resolved. */
  private static Path insideWorkspace(Path workspace, String relative, String what) {
    Path path = workspace.resolve(relative).normalize();
    try {
      Path real = path.toRealPath();
      if (!real.startsWith(workspace.toRealPath())) {
        throw new StepFailure(
            CairnError.BUILD_FAILED,
            what + ": " + relative + " leads outside the workspace (through a symbolic link)");
      }
      return real;
    } catch (NoSuchFileException e) {
      throw new StepFailure(CairnError.BUILD_FAILED, what + ": the workspace has no " + relative);
    } catch (IOException e) {
      throw new StepFailure(CairnError.BUILD_FAILED, what + ": " + relative + " cannot be read");
    }
  }

  private Path checkout(RunFacts facts) {
    Path workspace = ports.workspace(facts.id());
    if (Files.isDirectory(workspace)) {
      return workspace;
    }
    try {
      Files.createDirectories(workspace.getParent());
      ports.requireSource().checkout(facts.commit(), workspace);
      return workspace;
    } catch (IOException e) {
      // The mirror or the remote could not give the commit now; the state retries.
      throw new StepFailure(
          CairnError.TRANSIENT,
          "commit "
              + RunFacts.shortId(facts.commit())
              + " could not be checked out: "
              + StepFailure.describe(e));
    }
  }

  /**
   * The pipeline file's text. It is read without following links, must be a regular file and is
   * read only up to the parser's limit: a commit whose {@code cairn.yml} links to {@code /dev/zero}
   * or to a file outside the checkout fails its run, and only its run.
   */
  static String readPipelineFile(Path workspace) {
    Path file = workspace.resolve(StepSupport.PIPELINE_FILE);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw invalid("the commit has no " + StepSupport.PIPELINE_FILE + " at its root");
    } catch (IOException e) {
      throw invalid(StepSupport.PIPELINE_FILE + " could not be read: " + StepFailure.describe(e));
    }
    if (!attributes.isRegularFile()) {
      throw invalid(
          StepSupport.PIPELINE_FILE
              + " must be a regular file"
              + (attributes.isSymbolicLink() ? ", not a symbolic link" : ""));
    }
    try (InputStream in =
        Channels.newInputStream(
            Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      byte[] bytes = in.readNBytes(PipelineFileParser.MAX_BYTES + 1);
      if (bytes.length > PipelineFileParser.MAX_BYTES) {
        throw invalid(
            StepSupport.PIPELINE_FILE
                + " is larger than "
                + PipelineFileParser.MAX_BYTES
                + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw invalid(StepSupport.PIPELINE_FILE + " could not be read: " + StepFailure.describe(e));
    }
  }

  /**
   * The artifact's path, which must exist and be inside the workspace once links are resolved: a
   * committed link ({@code x -> ~/.ssh}, {@code artifact: x/key}) must not make Cairn, outside the
   * sandbox, archive files of the host.
   */
  static Path artifactPath(Path workspace, String artifact) {
    Path path = workspace.resolve(artifact).normalize();
    try {
      Path real = path.toRealPath();
      if (!real.startsWith(workspace.toRealPath())) {
        throw new StepFailure(
            CairnError.BUILD_FAILED,
            "the artifact " + artifact + " leads outside the workspace (through a symbolic link)");
      }
      return real;
    } catch (NoSuchFileException e) {
      throw new StepFailure(
          CairnError.BUILD_FAILED, "the build did not produce its artifact " + artifact);
    } catch (IOException e) {
      throw new StepFailure(
          CairnError.BUILD_FAILED,
          "the artifact " + artifact + " cannot be read: " + StepFailure.describe(e));
    }
  }

  private void keepLog(String run, String name, Path log) {
    if (log == null) {
      return;
    }
    try {
      ports.logs().keep(run, name, log);
    } catch (IOException e) {
      // The build's outcome does not depend on where its log is kept.
      support.event(
          run,
          RunEvent.Kind.AUDIT_FAILED,
          null,
          "the log could not be kept: " + StepFailure.describe(e));
    }
  }

  private void recordBuilt(String run, Instant started, String digest) {
    support.audit.record(
        AuditEvent.BUILD_SUCCEEDED,
        AuditRecorder.Run.of(ports.runs().get(run)),
        null,
        null,
        null,
        b -> b.startedAt(started).duration(support.audit.since(started)).artifact(digest));
  }

  /**
   * A job killed by a signal Cairn did not send: an infrastructure failure, which the state retries
   * ({@link CairnError#TRANSIENT}), never the commit's.
   */
  static StepFailure killed(String what, JobResult result) {
    return new StepFailure(
        CairnError.TRANSIENT,
        "the " + what + " was killed from outside (signal " + result.signal() + "); retrying");
  }

  private static StepFailure invalid(String message) {
    return new StepFailure(CairnError.INVALID_PIPELINE, message);
  }
}
