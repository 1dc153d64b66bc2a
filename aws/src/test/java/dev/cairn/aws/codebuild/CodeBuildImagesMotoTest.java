package dev.cairn.aws.codebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.aws.NeedsPersonAwsException;
import dev.cairn.aws.RetryableAwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.Moto;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.aws.testing.MotoFront;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link CodeBuildImages} and {@link CodeBuildClient} on moto (CodeBuild, ECR, S3, CloudWatch
 * Logs).
 *
 * <p>moto's CodeBuild <em>records</em> builds and runs nothing: {@code StartBuild} answers {@code
 * IN_PROGRESS}, and the first {@code BatchGetBuilds} marks the build {@code SUCCEEDED} (phases
 * appended, a random end time) — it never fails one, names no log group or stream, and keeps
 * neither the source override nor the environment variables of the request (its build shows a fixed
 * CodeCommit source). {@link #motoRecordsABuildAndEndsItAtTheFirstLookWithoutRunningIt} pins that
 * down. The other tests send the client's requests to moto through a recording proxy on loopback,
 * which keeps the requests moto drops (the source override, the variables, the signature's header)
 * and does on {@code StartBuild} what the project's buildspec would do: it writes log lines into
 * moto's CloudWatch Logs, names them in moto's answers, and pushes an image manifest into moto's
 * ECR ({@code PutImage}), so the digest the adapter reads is ECR's.
 */
@ExtendWith(MotoExtension.class)
class CodeBuildImagesMotoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "pw-" + UUID.randomUUID();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  private static S3Client s3;
  private static EcrClient ecr;
  private static CloudWatchLogsClient logs;
  private static MotoFront proxy;

  @TempDir Path temp;

  private String suffix;
  private String bucket;
  private String project;
  private String repositoryUri;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void clients() throws IOException {
    s3 = EmulatorClients.motoS3();
    ecr = EmulatorClients.ecr();
    logs = EmulatorClients.logs();
    proxy = new MotoFront(Moto.endpoint());
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void projectRepositoryAndBucket() {
    suffix = UUID.randomUUID().toString().substring(0, 8);
    bucket = "artifacts-" + suffix;
    s3.createBucket(b -> b.bucket(bucket));
    repositoryUri =
        ecr.createRepository(
                b ->
                    b.repositoryName("cairn/notes-" + suffix)
                        .imageTagMutability(ImageTagMutability.IMMUTABLE))
            .repository()
            .repositoryUri();
    project = "cairn-notes-" + suffix + "-image";
    createProject(project);
    proxy.reset();
  }

  private static void createProject(String name) {
    try (CodeBuildClient client = direct()) {
      MotoProjects.create(client, name, "bucket/notes/uploads/");
    }
  }

  private static CodeBuildClient direct() {
    return CodeBuildClient.of(Moto.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS);
  }

  private CodeBuildImages images(CodeBuildClient client) {
    return CodeBuildImages.builder()
        .codeBuild(client)
        .ecr(ecr)
        .logs(logs)
        .s3(s3)
        .bucket(bucket)
        .prefix("notes/")
        .project(project)
        .repositoryUri(repositoryUri)
        .work(temp.resolve("images"))
        .pollInterval(Duration.ofMillis(20))
        .build();
  }

  private ContainerImages.ImageBuild request() throws IOException {
    Path context = Files.createDirectories(temp.resolve("workspace"));
    Files.writeString(context.resolve("Containerfile"), "FROM scratch\nCOPY app/ /app/\n");
    Path app = Files.createDirectories(context.resolve("app"));
    Files.writeString(app.resolve("notes.txt"), "v1\n");
    Path run = Files.writeString(app.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new ContainerImages.ImageBuild(
        "run-1-image",
        context,
        context.resolve("Containerfile"),
        "localhost/cairn-notes:" + COMMIT,
        "tree",
        false,
        Duration.ofMinutes(3),
        Set.of(SECRET));
  }

  /** What the project's buildspec would do: log, then push {@code manifest} tagged IMAGE_TAG. */
  private BiConsumer<JsonNode, JsonNode> buildspec(String manifest, Consumer<Path> context) {
    return (request, answer) -> {
      String buildId = answer.path("build").path("id").asText();
      String stream = buildId.substring(buildId.indexOf(':') + 1);
      String group = "/cairn/codebuild/" + project;
      try {
        logs.createLogGroup(b -> b.logGroupName(group));
      } catch (ResourceAlreadyExistsException e) {
        // a second build of the project in the same test
      }
      logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
      logs.putLogEvents(
          b ->
              b.logGroupName(group)
                  .logStreamName(stream)
                  .logEvents(
                      InputLogEvent.builder()
                          .timestamp(System.currentTimeMillis())
                          .message("Step 1/2 : FROM scratch\n")
                          .build(),
                      InputLogEvent.builder()
                          .timestamp(System.currentTimeMillis())
                          .message("the build saw " + SECRET + "\n")
                          .build()));
      proxy.logs = Map.of("groupName", group, "streamName", stream);
      String location = request.path("sourceLocationOverride").asText();
      Path zip = temp.resolve("seen-" + UUID.randomUUID() + ".zip");
      s3.getObject(
          b ->
              b.bucket(location.substring(0, location.indexOf('/')))
                  .key(location.substring(location.indexOf('/') + 1)),
          zip);
      context.accept(zip);
      if (manifest != null) {
        String tag = variables(request).get("IMAGE_TAG");
        ecr.putImage(
            b ->
                b.repositoryName("cairn/notes-" + suffix)
                    .imageTag(tag)
                    .imageManifest(manifest)
                    .imageManifestMediaType("application/vnd.oci.image.manifest.v1+json")
                    .imageDigest(digestOf(manifest)));
      }
    };
  }

  private static Map<String, String> variables(JsonNode request) {
    Map<String, String> variables = new java.util.HashMap<>();
    request
        .path("environmentVariablesOverride")
        .forEach(v -> variables.put(v.path("name").asText(), v.path("value").asText()));
    return variables;
  }

  private static String manifest(String layer) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":2,"
        + "\"digest\":\"sha256:"
        + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":1,"
        + "\"digest\":\"sha256:"
        + layer
        + "\"}]}";
  }

  private static String digestOf(String manifest) {
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

  @Test
  void motoRecordsABuildAndEndsItAtTheFirstLookWithoutRunningIt() {
    try (CodeBuildClient client = direct()) {
      CodeBuildClient.Build started =
          client.startBuild(
              new CodeBuildClient.StartBuild(
                  project,
                  bucket + "/notes/uploads/x/context.zip",
                  Map.of("IMAGE_TAG", "t"),
                  5,
                  null));
      assertThat(started.id()).startsWith(project + ":");
      assertThat(started.status()).isEqualTo("IN_PROGRESS");
      assertThat(started.done()).isFalse();

      CodeBuildClient.Build seen = client.batchGetBuilds(List.of(started.id())).get(0);
      assertThat(seen.status()).isEqualTo("SUCCEEDED");
      assertThat(seen.currentPhase()).isEqualTo("COMPLETED");
      assertThat(seen.failedPhase()).isNull();
      // Recorded, not run: no log stream, and the source is moto's fixed one, not the override.
      assertThat(seen.logGroup()).isNull();
      assertThat(seen.logStream()).isNull();
      assertThat(seen.sourceLocation()).doesNotContain(bucket);
      assertThat(client.batchGetBuilds(List.of(project + ":unknown"))).isEmpty();
    }
  }

  @Test
  void buildsFromTheUploadedContextFollowsTheLogAndReturnsEcrsDigest() throws IOException {
    String manifest = manifest("a".repeat(64));
    List<String> entries = new ArrayList<>();
    List<String> executable = new ArrayList<>();
    proxy.onStart =
        buildspec(
            manifest,
            zip -> {
              try (FileSystem fs =
                  FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
                try (var walk = Files.walk(fs.getPath("/"))) {
                  walk.filter(Files::isRegularFile).forEach(p -> entries.add(p.toString()));
                }
                for (String entry : entries) {
                  if (Files.getPosixFilePermissions(fs.getPath(entry))
                      .contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)) {
                    executable.add(entry);
                  }
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    ContainerImages.Built built;
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      built = images(client).build(request(), (step, line) -> lines.add(step + ": " + line));
    }

    assertThat(built.result().outcome()).isEqualTo(JobResult.Outcome.SUCCEEDED);
    assertThat(built.imageId()).isEqualTo(digestOf(manifest));
    // The request: the project, the context as an S3 source override, the tag and the file.
    JsonNode start = proxy.requests("StartBuild").get(0);
    assertThat(start.path("projectName").asText()).isEqualTo(project);
    assertThat(start.path("sourceTypeOverride").asText()).isEqualTo("S3");
    assertThat(start.path("sourceLocationOverride").asText())
        .matches(bucket + "/notes/uploads/run-1-image/[0-9a-f]{32}/context\\.zip");
    assertThat(variables(start))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("IMAGE_TAG", COMMIT, "IMAGE_FILE", "Containerfile", "IMAGE_NETWORK", "none"));
    assertThat(start.path("timeoutInMinutesOverride").asInt()).isEqualTo(5);
    assertThat(start.toString()).doesNotContain(SECRET);
    // Signed for CodeBuild in the region with the SDK's signer; JSON 1.1.
    Map<String, String> headers = proxy.headers().get(0);
    assertThat(headers.get("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=test/")
        .contains("/us-east-1/codebuild/aws4_request")
        .contains("x-amz-target");
    assertThat(headers.get("Content-type")).isEqualTo("application/x-amz-json-1.1");
    // The archive: the context's files with their mode, the Containerfile among them.
    assertThat(entries)
        .containsExactlyInAnyOrder("/Containerfile", "/app/notes.txt", "/app/run.sh");
    assertThat(executable).containsExactly("/app/run.sh");
    // Followed to the end, its log copied and masked, in the output and in the log file.
    assertThat(proxy.requests("BatchGetBuilds")).isNotEmpty();
    assertThat(lines)
        .contains("image: Step 1/2 : FROM scratch", "image: the build saw ***")
        .anyMatch(l -> l.startsWith("image: CodeBuild build " + project + ":"))
        .noneMatch(l -> l.contains(SECRET));
    assertThat(Files.readString(built.result().log()))
        .contains("the build saw ***")
        .doesNotContain(SECRET);
    // The context is removed once the build ended.
    String key = start.path("sourceLocationOverride").asText().substring(bucket.length() + 1);
    assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket).key(key)))
        .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class);
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      CodeBuildImages adapter = images(client);
      assertThat(adapter.exists(built.imageId())).isTrue();
      assertThat(adapter.exists(digestOf("other"))).isFalse();
      assertThat(adapter.forTree("tree")).isEmpty();
    }
  }

  @Test
  void aCommitWhoseTagExistsIsNotBuiltAgainBecauseTagsAreImmutable() throws IOException {
    String manifest = manifest("b".repeat(64));
    proxy.onStart = buildspec(manifest, zip -> {});
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      String first = images(client).build(request(), (s, l) -> {}).imageId();
      ContainerImages.Built again = images(client).build(request(), (s, l) -> lines.add(l));

      assertThat(again.imageId()).isEqualTo(first);
      assertThat(again.result().outcome()).isEqualTo(JobResult.Outcome.SUCCEEDED);
      assertThat(proxy.requests("StartBuild")).hasSize(1);
      assertThat(lines).anyMatch(l -> l.contains("exists already (tags are immutable)"));
    }
    // What a second push would meet: the tag cannot move (moto answers ImageAlreadyExists; ECR
    // documents ImageTagAlreadyExists for an immutable tag).
    assertThatThrownBy(
            () ->
                ecr.putImage(
                    b ->
                        b.repositoryName("cairn/notes-" + suffix)
                            .imageTag(COMMIT)
                            .imageManifest(manifest("c".repeat(64)))))
        .isInstanceOf(EcrException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void aContainerfileOutsideTheContextTravelsUnderItsOwnName() throws IOException {
    proxy.onStart = buildspec(manifest("d".repeat(64)), zip -> {});
    ContainerImages.ImageBuild base = request();
    Path file = Files.writeString(temp.resolve("images.Containerfile"), "FROM scratch\n");
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      images(client)
          .build(
              new ContainerImages.ImageBuild(
                  base.id(),
                  base.context(),
                  file,
                  base.tag(),
                  null,
                  false,
                  base.timeout(),
                  Set.of()),
              (s, l) -> {});
    }
    assertThat(variables(proxy.requests("StartBuild").get(0)))
        .containsEntry("IMAGE_FILE", ContextArchive.OUTSIDE_FILE);
  }

  @Test
  void aFailedBuildSaysWhereAndPushesNothing() throws IOException {
    proxy.onStart = buildspec(null, zip -> {});
    proxy.rewrite =
        build -> {
          build.put("buildStatus", "FAILED");
          build
              .withArray("phases")
              .addObject()
              .put("phaseType", "BUILD")
              .put("phaseStatus", "FAILED")
              .putArray("contexts")
              .addObject()
              .put("statusCode", "COMMAND_EXECUTION_ERROR")
              .put("message", "Error while executing command: docker build. Reason: exit status 1");
        };
    ContainerImages.Built built;
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      built = images(client).build(request(), (s, l) -> lines.add(l));
    }
    assertThat(built.imageId()).isNull();
    assertThat(built.result().outcome()).isEqualTo(JobResult.Outcome.FAILED);
    assertThat(built.result().message())
        .contains("failed in phase BUILD: Error while executing command: docker build");
    assertThat(lines).contains("the build saw ***");
  }

  /**
   * A runner terminated while it follows a build (its shutdown hook calls {@code stopAll}) stops
   * the build on CodeBuild; the follower, seeing it STOPPED, reports the image build failed. The
   * front keeps the build IN_PROGRESS until moto has been asked to stop it, and STOPPED after,
   * which is what CodeBuild would say (moto marks every build it describes SUCCEEDED).
   */
  @Test
  void aBuildInProgressIsStoppedWhenTheRunnerIsTerminated() throws Exception {
    proxy.onStart = buildspec(null, zip -> {});
    proxy.rewrite =
        build ->
            build.put(
                "buildStatus", proxy.requests("StopBuild").isEmpty() ? "IN_PROGRESS" : "STOPPED");
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      CodeBuildImages images = images(client);
      assertThat(images.stopAll()).as("nothing in progress yet").isEmpty();
      ContainerImages.ImageBuild request = request();
      java.util.concurrent.CompletableFuture<ContainerImages.Built> following =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> images.build(request, (s, l) -> lines.add(l)));
      org.awaitility.Awaitility.await("the build is started and followed")
          .atMost(Duration.ofSeconds(30))
          .until(() -> lines.stream().anyMatch(l -> l.startsWith("CodeBuild build ")));
      String id = startedId();

      assertThat(images.stopAll()).containsExactly("CodeBuild build " + id + " stopped");

      ContainerImages.Built built = following.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(proxy.requests("StopBuild"))
          .singleElement()
          .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo(id));
      assertThat(built.imageId()).isNull();
      assertThat(built.result().outcome()).isEqualTo(JobResult.Outcome.FAILED);
      assertThat(built.result().message()).isEqualTo("CodeBuild build " + id + " stopped");
      assertThat(images.stopAll()).as("nothing left in progress").isEmpty();
    }
  }

  private String startedId() {
    return lines.stream()
        .filter(l -> l.startsWith("CodeBuild build "))
        .findFirst()
        .map(l -> l.substring("CodeBuild build ".length(), l.indexOf(" of ")))
        .orElseThrow();
  }

  @Test
  void aBuildThatPushedNothingFailsNamingTheMissingImage() throws IOException {
    proxy.onStart = buildspec(null, zip -> {});
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      ContainerImages.Built built = images(client).build(request(), (s, l) -> {});
      assertThat(built.result().outcome()).isEqualTo(JobResult.Outcome.FAILED);
      assertThat(built.result().message())
          .contains("succeeded, but ECR has no image " + repositoryUri + ":" + COMMIT);
    }
  }

  @Test
  void timedOutAndFaultedBuilds() throws IOException {
    proxy.onStart = buildspec(null, zip -> {});
    proxy.rewrite = build -> build.put("buildStatus", "TIMED_OUT");
    try (CodeBuildClient client =
        CodeBuildClient.of(proxy.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS)) {
      assertThat(images(client).build(request(), (s, l) -> {}).result().outcome())
          .isEqualTo(JobResult.Outcome.TIMED_OUT);
      proxy.rewrite = build -> build.put("buildStatus", "FAULT");
      // CodeBuild's own failure: retried (the runner exits 3), not the commit's.
      assertThatThrownBy(() -> images(client).build(request(), (s, l) -> {}))
          .isInstanceOf(RetryableAwsException.class)
          .hasMessageContaining("faulted");
    }
  }

  @Test
  void aMissingProjectNeedsAPersonAndTheMessageHoldsNoCredential() throws IOException {
    try (CodeBuildClient client = direct()) {
      CodeBuildImages adapter =
          CodeBuildImages.builder()
              .codeBuild(client)
              .ecr(ecr)
              .logs(logs)
              .s3(s3)
              .bucket(bucket)
              .prefix("notes/")
              .project("cairn-missing-image")
              .repositoryUri(repositoryUri)
              .work(temp.resolve("images"))
              .build();
      assertThatThrownBy(() -> adapter.build(request(), (s, l) -> {}))
          .isInstanceOfSatisfying(
              NeedsPersonAwsException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
                assertThat(e.getMessage())
                    .startsWith("CodeBuild StartBuild of project cairn-missing-image failed:")
                    .contains("the resource does not exist")
                    .doesNotContain("Credential=")
                    .doesNotContain("Signature");
              });
    }
    // The context it stored for the build is gone again.
    assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
  }

  @Test
  void anUnreachableCodeBuildIsRetryable() throws IOException {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    try (CodeBuildClient client =
        CodeBuildClient.of(
            URI.create("http://127.0.0.1:" + port),
            Region.US_EAST_1,
            EmulatorClients.CREDENTIALS)) {
      assertThatThrownBy(() -> client.batchGetBuilds(List.of(project + ":x")))
          .isInstanceOfSatisfying(
              RetryableAwsException.class,
              e ->
                  assertThat(e.getMessage())
                      .contains("could not be reached")
                      .doesNotContain("Signature"));
    }
  }

  @Test
  void releasesDoNotRunOneOffContainersHere() {
    try (CodeBuildClient client = direct()) {
      JobResult result =
          images(client)
              .run(
                  new ContainerImages.OneOff(
                      "m",
                      "sha256:x",
                      new StepSpec("migrate", "true", null),
                      Map.of(),
                      Duration.ofMinutes(1),
                      Set.of()),
                  (s, l) -> {});
      assertThat(result.outcome()).isEqualTo(JobResult.Outcome.FAILED);
      assertThat(result.message()).contains("ECS task");
    }
  }

  @Test
  void tagsAndTimeLimits() {
    assertThat(CodeBuildImages.tagOf("localhost/cairn-notes:" + COMMIT)).isEqualTo(COMMIT);
    assertThat(CodeBuildImages.tagOf("host:5000/a/b:v1.2")).isEqualTo("v1.2");
    assertThatThrownBy(() -> CodeBuildImages.tagOf("host:5000/a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CodeBuildImages.minutes(Duration.ofSeconds(30))).isEqualTo(5);
    assertThat(CodeBuildImages.minutes(Duration.ofSeconds(601))).isEqualTo(11);
    assertThat(CodeBuildImages.minutes(Duration.ofDays(3))).isEqualTo(2160);
    assertThat(
            CodeBuildClient.defaultEndpoint(
                Map.of("AWS_ENDPOINT_URL", "http://localhost:5000"), Region.US_EAST_1))
        .isEqualTo(URI.create("http://localhost:5000"));
    assertThat(CodeBuildClient.defaultEndpoint(Map.of(), Region.EU_WEST_1))
        .isEqualTo(URI.create("https://codebuild.eu-west-1.amazonaws.com"));
    assertThat(CodeBuildClient.defaultEndpoint(Map.of(), Region.CN_NORTH_1))
        .isEqualTo(URI.create("https://codebuild.cn-north-1.amazonaws.com.cn"));
  }
}
