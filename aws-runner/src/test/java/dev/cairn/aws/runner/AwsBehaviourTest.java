package dev.cairn.aws.runner;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.webhook.PushEvent;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.behaviour.PipelineBehaviourSuite;
import dev.cairn.pipeline.behaviour.PipelineDriver;
import dev.cairn.pipeline.behaviour.SampleApp;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.runtime.EnvironmentState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline behaviour suite on the AWS driver: the state machine the pipeline compiles to runs
 * on Cairn's engine, its tasks served by the Lambda handlers and the runner against the emulators
 * ({@link EmulatedAws}), and every run is started the way production starts it:
 *
 * <ul>
 *   <li>a push to {@code main} on the git host (the scenario's, or a revert commit the rollback job
 *       pushed) starts an execution with the input the EventBridge rule builds from the webhook
 *       function's event ({@link PushEvent#detail}), as GitHub's push webhook would; the webhook
 *       function's own checks (signature, duplicates) are tested in aws-lambda;
 *   <li>a redelivery is what a person does to run a pushed commit again: an execution started with
 *       the input the rule builds, under a new run id (the webhook function refuses GitHub's
 *       redelivery of a push it handled);
 *   <li>a deploy and a rollback by hand start an execution with {@code trigger: manual}, the
 *       environment and the action, which {@code cairn-validate} records and, for a rollback,
 *       decides (the commit running now is marked bad, the good release before it is the run's
 *       commit).
 * </ul>
 *
 * <p>The executions run the machine compiled from the scenario's pipeline file, as {@code cairn aws
 * deploy} would have deployed it. Records are read from the git host's {@code cairn/audit} branch
 * once the outbox in S3 is empty.
 *
 * <p>The sample's releases are processes ({@code CAIRN_DEPLOYER=process}); its {@link
 * SampleApp#images image variant} deploys to stacks instead, as on AWS ({@link
 * EmulatedAws.Target#STACKS}): the repository commits {@link MotoAppStack}'s template as {@code
 * cairn.stack.json}, each environment's stack exists before the first push (moto computes outputs
 * only on CreateStack), and a commit whose release fails its bake ({@link
 * SampleApp#HEALTHY_CHECKS}) is one whose 5xx alarm is in ALARM while its stack runs it.
 */
@ExtendWith(MotoExtension.class)
class AwsBehaviourTest extends PipelineBehaviourSuite {

  @Override
  protected PipelineDriver driver(Path dir, SampleApp app) throws Exception {
    return new AwsDriver(dir, app);
  }

  /** {@link PipelineDriver} over {@link EmulatedAws}. */
  private static final class AwsDriver implements PipelineDriver {
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final SampleApp app;
    private final EmulatedAws aws;
    private final Git work;
    private final ObjectNode machine;
    private final String name;

    /** The executions of each commit, oldest first. */
    private final Map<String, List<Execution>> executions = new ConcurrentHashMap<>();

    /** An execution the driver started, and the run it runs. */
    private record Execution(String run, String arn) {}

    AwsDriver(Path dir, SampleApp app) throws Exception {
      this.app = app;
      aws =
          new EmulatedAws(
              dir,
              "octo/sample",
              app.isImage() ? EmulatedAws.Target.STACKS : EmulatedAws.Target.PROCESSES);
      var pipeline = PipelineFileParser.parse("cairn.yml", app.pipeline());
      machine = PipelineCompiler.compile(pipeline);
      name = pipeline.name();
      work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
      work.remoteAdd().setName("origin").setUri(new URIish(aws.remote)).call();
      aws.gitHost.onPush(this::webhook);
      if (aws.stack != null) {
        // The application's stack template, committed with the first push (aws.template).
        Files.writeString(
            work.getRepository().getWorkTree().toPath().resolve("cairn.stack.json"),
            MotoAppStack.TEMPLATE);
        for (String environment : app.environments()) {
          aws.stack.prepare(environment, this::failsItsBake);
        }
      }
    }

    /**
     * Whether the commit's release fails its bake: its tree has {@link SampleApp#HEALTHY_CHECKS}.
     */
    private boolean failsItsBake(String commit) {
      try (Repository repository = open();
          RevWalk walk = new RevWalk(repository);
          TreeWalk file =
              TreeWalk.forPath(
                  repository,
                  SampleApp.HEALTHY_CHECKS,
                  walk.parseCommit(ObjectId.fromString(commit)).getTree())) {
        return file != null;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** What GitHub's push webhook, the webhook function and the EventBridge rule do for a push. */
    private void webhook(String repository, ReceiveCommand update) {
      if (!update.getRefName().equals("refs/heads/main")
          || update.getType() == ReceiveCommand.Type.DELETE) {
        return;
      }
      String after = update.getNewId().name();
      PushEvent push =
          new PushEvent(
              repository,
              aws.remote,
              update.getRefName(),
              update.getOldId().name(),
              after,
              "dev",
              subject(after),
              UUID.randomUUID().toString());
      start(after, ruleInput(push));
    }

    /** The execution input of the push rule (RepositoryPipeline's target input). */
    private static ObjectNode ruleInput(PushEvent push) {
      ObjectNode detail = push.detail();
      ObjectNode input = Json.object();
      ObjectNode run = input.putObject("run");
      run.put("id", detail.path("deliveryId").asText());
      run.put("commit", detail.path("after").asText());
      run.put("message", detail.path("message").asText());
      run.put("repository", detail.path("repository").asText());
      run.put("trigger", "push");
      run.put("submittedAt", Instant.now().toString());
      return input;
    }

    private Execution start(String commit, ObjectNode input) {
      String run = input.path("run").path("id").asText();
      // Step Functions names an execution the rule starts itself.
      Execution execution =
          new Execution(run, aws.start(machine, name, UUID.randomUUID().toString(), input));
      executions.computeIfAbsent(commit, c -> new CopyOnWriteArrayList<>()).add(execution);
      return execution;
    }

    @Override
    public String push(Change change) throws Exception {
      Path root = work.getRepository().getWorkTree().toPath();
      for (Map.Entry<String, String> file : change.write().entrySet()) {
        Path path = root.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.writeString(path, file.getValue());
      }
      for (String file : change.delete()) {
        Files.deleteIfExists(root.resolve(file));
      }
      work.add().addFilepattern(".").call();
      work.add().addFilepattern(".").setUpdate(true).call();
      RevCommit commit =
          work.commit()
              .setMessage(change.message())
              .setAuthor("Dev", "dev@example.com")
              .setCommitter("Dev", "dev@example.com")
              .setSign(false)
              .call();
      work.push()
          .setRemote("origin")
          .add("main")
          .setCredentialsProvider(
              new UsernamePasswordCredentialsProvider("x-access-token", EmulatedAws.TOKEN))
          .call();
      return commit.getName();
    }

    @Override
    public RunResult awaitRun(String commit) throws Exception {
      await("a run of " + commit).atMost(SETTLE).until(() -> executions.containsKey(commit));
      return result(executions.get(commit).get(0));
    }

    @Override
    public RunResult redeliver(String commit) throws Exception {
      PushEvent push =
          new PushEvent(
              aws.repository,
              aws.remote,
              "refs/heads/main",
              ObjectId.zeroId().name(),
              commit,
              "dev",
              subject(commit),
              UUID.randomUUID().toString());
      return result(start(commit, ruleInput(push)));
    }

    @Override
    public RunResult deployByHand(String environment, String commit) throws Exception {
      ObjectNode input = manual(environment, "deploy");
      input.with("run").put("commit", commit).put("message", subject(commit));
      return result(manualRun(input));
    }

    @Override
    public RunResult rollbackByHand(String environment) throws Exception {
      return result(manualRun(manual(environment, "rollback")));
    }

    /** A manual run's input: the commit is left to the caller (a rollback may leave it out). */
    private ObjectNode manual(String environment, String action) {
      ObjectNode input = Json.object();
      input
          .putObject("run")
          .put("id", "manual-" + UUID.randomUUID())
          .put("repository", aws.repository)
          .put("trigger", "manual")
          .put("pusher", "dev")
          .put("environment", environment)
          .put("action", action);
      return input;
    }

    private Execution manualRun(ObjectNode input) {
      String run = input.path("run").path("id").asText();
      return new Execution(run, aws.start(machine, name, run, input));
    }

    private RunResult result(Execution execution) throws Exception {
      ExecutionDescription done = aws.completion(execution.arn());
      return new RunResult(
          done.status().name(), done.error(), done.cause(), aws.runs.get(execution.run()));
    }

    @Override
    public EnvironmentState environment(String environment) {
      return aws.environments.read(environment);
    }

    @Override
    public Optional<String> liveCommit(String environment) {
      // A stack's release runs nowhere here: what it runs is the stack's CairnCommit.
      return aws.stack != null ? aws.stack.commit(environment) : app.served(environment);
    }

    @Override
    public Optional<String> liveArtifact(String environment) {
      return aws.stack != null
          ? aws.stack.artifact(environment)
          : aws.deployer.live(environment).map(Release::artifactDigest);
    }

    @Override
    public List<String> migrated(String environment) {
      if (aws.stack == null) {
        // The migration's output, as the runner printed its events.
        String prefix = "[migrate-output] " + SampleApp.MIGRATING;
        return aws.output
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(line -> line.startsWith(prefix))
            .map(line -> line.substring(prefix.length()).strip())
            .toList();
      }
      // The migration tasks on the stack's cluster, started by <run>-migrate-<environment>.
      String suffix = "-migrate-" + environment;
      return aws.stack.migrations(environment).stream()
          .map(by -> by.substring(0, by.length() - suffix.length()))
          .map(run -> aws.runs.get(run).commit())
          .toList();
    }

    @Override
    public Optional<String> branchTip(String branch) throws Exception {
      try (Repository repository = open()) {
        return Optional.ofNullable(repository.resolve("refs/heads/" + branch)).map(ObjectId::name);
      }
    }

    @Override
    public List<AuditRecord> records() throws Exception {
      await("every record is delivered from the outbox to the audit branch")
          .atMost(SETTLE)
          .until(() -> aws.outbox.status().delivered());
      List<AuditRecord> records = new ArrayList<>();
      try (AuditTrail trail = AuditTrail.open(aws.bare, "refs/heads/cairn/audit", null)) {
        for (TrailEntry entry : trail.entries()) {
          records.add(trail.read(entry).record());
        }
      }
      return records;
    }

    private String subject(String commit) {
      try (Repository repository = open();
          RevWalk walk = new RevWalk(repository)) {
        return walk.parseCommit(ObjectId.fromString(commit)).getShortMessage();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private Repository open() throws java.io.IOException {
      return new FileRepositoryBuilder().setGitDir(aws.bare.toFile()).setMustExist(true).build();
    }

    @Override
    public void close() {
      aws.close();
      work.close();
    }
  }
}
