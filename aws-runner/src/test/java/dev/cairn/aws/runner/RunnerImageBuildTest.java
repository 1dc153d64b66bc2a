package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.codebuild.CodeBuildClient;
import dev.cairn.aws.codebuild.CodeBuildImages;
import dev.cairn.aws.codebuild.MotoProjects;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.Moto;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.aws.testing.MotoFront;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.runtime.DeployTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The privileged runner's {@code build} of a pipeline with {@code build.image}, on the runner's
 * real path: the commit checked out from a git host on loopback, the steps run by the unprivileged
 * build job (in-process, with the build role's S3 access: {@link InProcessBuildJobs}), only the
 * image context brought back, then {@link CodeBuildImages} with moto's CodeBuild and ECR. moto runs
 * no build: {@link MotoFront} records the StartBuild request and, as the project's buildspec would,
 * pushes an image manifest into moto's ECR, so the digest the run records is ECR's.
 */
@ExtendWith(MotoExtension.class)
class RunnerImageBuildTest {
  private static final String TOKEN = "ghp_image-test-token";
  private static final String PIPELINE =
      """
      name: app
      build:
        steps:
          - run: mkdir -p image && cp main.txt image/ && echo built > image/built.txt && echo stray > stray.txt
        image: {context: image}
      environments:
        - name: production
          app: {port: 18998}
          health: {path: /health}
      """;
  private static final String MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"layers\":[{\"digest\":\"sha256:"
          + "e".repeat(64)
          + "\"}]}";

  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String bucket = "cairn-image-" + id;
  private GitHttpServer gitHost;
  private String remote;
  private Git work;
  private S3Client s3;
  private EcrClient ecr;
  private MotoFront codeBuild;
  private String repositoryUri;
  private final String project = "cairn-app-" + id + "-image";
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    Path bare = dir.resolve("app.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    gitHost = GitHttpServer.start(TOKEN);
    remote = gitHost.serve("octo/app", bare);
    work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
    work.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    ecr = EmulatorClients.ecr();
    repositoryUri =
        ecr.createRepository(
                b ->
                    b.repositoryName("cairn/app-" + id)
                        .imageTagMutability(ImageTagMutability.IMMUTABLE))
            .repository()
            .repositoryUri();
    codeBuild = new MotoFront(Moto.endpoint());
    try (CodeBuildClient client = client()) {
      MotoProjects.create(client, project, bucket + "/notes/uploads/");
    }
  }

  @AfterEach
  void tearDown() {
    gitHost.close();
    work.close();
    codeBuild.close();
  }

  private CodeBuildClient client() {
    return CodeBuildClient.of(codeBuild.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS);
  }

  private RevCommit commit() throws Exception {
    Path root = work.getRepository().getWorkTree().toPath();
    Files.writeString(root.resolve("cairn.yml"), PIPELINE);
    Files.writeString(root.resolve("main.txt"), "hello\n");
    Files.createDirectories(root.resolve("image"));
    Files.writeString(root.resolve("image/Containerfile"), "FROM scratch\nCOPY . /app/\n");
    work.add().addFilepattern(".").call();
    RevCommit commit =
        work.commit()
            .setMessage("image")
            .setAuthor("Dev", "dev@example.com")
            .setCommitter("Dev", "dev@example.com")
            .setSign(false)
            .call();
    work.push().setRemote("origin").add("main").call();
    return commit;
  }

  @Test
  void theBuildJobsContextIsBuiltByCodeBuildAndTheRunsArtifactIsEcrsDigest() throws Exception {
    RevCommit commit = commit();
    List<String> archived = new ArrayList<>();
    Map<String, String> variables = new HashMap<>();
    codeBuild.onStart =
        (request, answer) -> {
          request
              .path("environmentVariablesOverride")
              .forEach(v -> variables.put(v.path("name").asText(), v.path("value").asText()));
          String location = request.path("sourceLocationOverride").asText();
          Path zip = dir.resolve("seen.zip");
          s3.getObject(
              b -> b.bucket(bucket).key(location.substring(location.indexOf('/') + 1)), zip);
          try (FileSystem fs = FileSystems.newFileSystem(zip)) {
            try (var walk = Files.walk(fs.getPath("/"))) {
              walk.filter(Files::isRegularFile).forEach(p -> archived.add(p.toString()));
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          ecr.putImage(
              b ->
                  b.repositoryName("cairn/app-" + id)
                      .imageTag(variables.get("IMAGE_TAG"))
                      .imageManifest(MANIFEST)
                      .imageDigest(digest(MANIFEST)));
        };
    InProcessBuildJobs buildJobs =
        new InProcessBuildJobs(
            bucket,
            "notes/",
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            dir.resolve("build-jobs"));
    Supplier<RemoteCredentials> credentials = () -> new RemoteCredentials("x-access-token", TOKEN);
    SecretsManagerSecretStore secrets =
        SecretsManagerSecretStore.builder()
            .client(EmulatorClients.secretsManager())
            .prefix("cairn/image-" + id + "/")
            .build();
    String queue = EmulatorClients.sqs().createQueue(b -> b.queueName("i-" + id)).queueUrl();
    CodeBuildImages images =
        CodeBuildImages.builder()
            .codeBuild(client())
            .ecr(ecr)
            .logs(EmulatorClients.logs())
            .s3(s3)
            .bucket(bucket)
            .prefix("notes/")
            .project(project)
            .repositoryUri(repositoryUri)
            .work(dir.resolve("images"))
            .pollInterval(Duration.ofMillis(20))
            .build();
    RunnerFixture fixture =
        RunnerFixture.of(
            s3,
            bucket,
            S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("scratch")).build(),
            secrets,
            remote,
            credentials,
            new IsolatedBuildExecutor(
                new S3HandOff(s3, bucket), "notes/", buildJobs, dir.resolve("handoff")),
            new DeployTarget.Processes(
                new ProcessDeployer(dir.resolve("deployments"), secrets), null),
            new SqsStatusPublisher(EmulatorClients.sqs(), queue),
            dir.resolve("runner"),
            new PrintStream(output, true, StandardCharsets.UTF_8),
            images);

    RunnerResult result =
        fixture.runner().run(new RunnerJob(JobKind.BUILD, "run-1", null, commit.getName(), null));

    String printed = output.toString(StandardCharsets.UTF_8);
    assertThat(result.outcome())
        .as(result.cause() + "\n" + printed)
        .isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(result.artifact()).isEqualTo("image:" + digest(MANIFEST));
    assertThat(fixture.runs().get("run-1").artifact()).isEqualTo(result.artifact());
    // CodeBuild got the build job's context (its generated file, not the stray one outside it),
    // with the commit as the tag and the Containerfile the context holds.
    assertThat(variables).containsEntry("IMAGE_TAG", commit.getName());
    assertThat(variables).containsEntry("IMAGE_FILE", "Containerfile");
    assertThat(archived).containsExactlyInAnyOrder("/Containerfile", "/main.txt", "/built.txt");
    JsonNode start = codeBuild.requests("StartBuild").get(0);
    assertThat(start.path("sourceLocationOverride").asText())
        .startsWith(bucket + "/notes/uploads/run-1-image/");
    assertThat(printed).contains("CodeBuild build " + project + ":");
    // The image build's log is kept with the run's; nothing of the hand-offs is left behind, and
    // the build job asked for nothing its role would refuse.
    assertThat(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key("logs/run-1/image.log")).asUtf8String())
        .contains("pushed " + repositoryUri + ":" + commit.getName());
    assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("notes/")).contents()).isEmpty();
    assertThat(buildJobs.refused()).isEmpty();
  }

  @Test
  void aRunnerWithoutAnImageProjectBuildsNoImageAndSaysWhatIsMissing() {
    assertThat(RunnerImages.fromEnvironment(Map.of(), s3, bucket, "", dir)).isNull();
    assertThatThrownBy(
            () ->
                RunnerImages.fromEnvironment(
                    Map.of(RunnerImages.IMAGE_PROJECT, project), s3, bucket, "", dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(RunnerImages.IMAGE_REPOSITORY);
  }

  private static String digest(String manifest) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(manifest.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
