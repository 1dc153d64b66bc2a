package dev.cairn.aws.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image definitions cannot be built here (no Docker), so this checks what can be: every file
 * the Dockerfiles copy is what the Maven build produces, the entrypoints name classes and commands
 * that exist, and the handlers the Lambda functions use are Lambda handlers.
 */
class ImageDefinitionsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(\\S+)\\s+(\\S+)$");

  /** The handlers of the Cairn functions (docs/aws.md, "Lambda functions"). */
  static final List<String> HANDLERS =
      List.of(
          "dev.cairn.aws.lambda.webhook.GitHubWebhookHandler",
          "dev.cairn.aws.lambda.audit.AuditWriterHandler",
          "dev.cairn.aws.lambda.plan.PlanHandler",
          "dev.cairn.aws.lambda.status.StatusNotifierHandler",
          "dev.cairn.aws.lambda.validate.ValidateHandler",
          "dev.cairn.aws.lambda.run.RecordHandler",
          "dev.cairn.aws.lambda.queue.DeployQueueHandler");

  private static List<String> copySources(String dockerfile) throws IOException {
    Matcher m = COPY.matcher(Files.readString(ROOT.resolve(dockerfile)));
    return m.results().map(r -> r.group(1)).toList();
  }

  @Test
  void theRunnerImageCopiesThisModulesJarAndItsLibrariesAndRunsTheRunnerCommand() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("aws/images/runner/Dockerfile"));
    assertThat(copySources("aws/images/runner/Dockerfile"))
        .containsExactlyInAnyOrder(
            "aws-runner-cli/target/lib/", "aws-runner-cli/target/cairn-runner.jar");
    // This module's build makes exactly those (its tests run before it is packaged, so from its
    // pom): finalName cairn-runner, its dependencies in target/lib, this command as the main class.
    String pom = Files.readString(ROOT.resolve("aws-runner-cli/pom.xml"));
    assertThat(pom)
        .contains("<finalName>cairn-runner</finalName>")
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>")
        .contains("<mainClass>" + RunnerCommand.class.getName() + "</mainClass>");
    assertThat(dockerfile).contains("COPY aws-runner-cli/target/lib/ /opt/cairn/lib/");
    assertThat(dockerfile).contains("\"-jar\", \"/opt/cairn/cairn-runner.jar\"]");
  }

  @Test
  void theLambdaImageCopiesWhatTheAwsLambdaBuildProduces() throws Exception {
    for (String source : copySources("aws/images/lambda/Dockerfile")) {
      // aws-lambda is packaged before this module in the reactor, so its outputs exist now.
      assertThat(ROOT.resolve(source)).as(source).exists();
    }
    Path lib = ROOT.resolve("aws-lambda/target/lib");
    try (Stream<Path> jars = Files.list(lib)) {
      Path client =
          jars.filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .startsWith("aws-lambda-java-runtime-interface-client-"))
              .findFirst()
              .orElseThrow();
      try (JarFile jar = new JarFile(client.toFile())) {
        assertThat(jar.getEntry("com/amazonaws/services/lambda/runtime/api/client/AWSLambda.class"))
            .isNotNull();
      }
    }
    assertThat(Files.readString(ROOT.resolve("aws/images/lambda/Dockerfile")))
        .contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
  }

  @Test
  void everyFunctionHandlerIsALambdaHandlerWithANoArgumentConstructor() throws Exception {
    for (String name : HANDLERS) {
      Class<?> handler = Class.forName(name);
      assertThat(
              RequestHandler.class.isAssignableFrom(handler)
                  || RequestStreamHandler.class.isAssignableFrom(handler))
          .as(name)
          .isTrue();
      assertThat(handler.getConstructor()).as(name).isNotNull();
    }
    String command =
        Files.readString(ROOT.resolve("aws/images/lambda/Dockerfile"))
            .lines()
            .filter(l -> l.startsWith("CMD"))
            .findFirst()
            .orElseThrow();
    assertThat(HANDLERS).anyMatch(h -> command.contains(h + "::handleRequest"));
  }

  @Test
  void theBuildspecBuildsBothImagesFromTheirDockerfiles() throws Exception {
    String buildspec = Files.readString(ROOT.resolve("aws/images/buildspec.yml"));
    assertThat(buildspec)
        .contains("-pl aws-runner-cli,aws-lambda -am package")
        .contains("docker build -f aws/images/runner/Dockerfile")
        .contains("docker build -f aws/images/lambda/Dockerfile")
        .contains("docker push \"$uri:$TAG\"")
        .contains("for uri in \"$RUNNER_REPOSITORY_URI\" \"$LAMBDA_REPOSITORY_URI\"")
        // The repositories' tags are immutable: no moving tag.
        .doesNotContain(":latest");
  }
}
