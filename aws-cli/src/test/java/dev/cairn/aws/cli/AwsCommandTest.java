package dev.cairn.aws.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.aws.infra.CairnAwsConfig;
import dev.cairn.aws.infra.NotesTemplate;
import dev.cairn.cli.ErrorHandler;
import dev.cairn.cli.ExitCodes;
import dev.cairn.pipeline.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn aws synth} and {@code cairn aws deploy} as a user runs them. */
class AwsCommandTest {
  private static final Path CONFIG = Path.of("../aws-infra/cairn-aws.example.yml");

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  @Test
  void synthWritesTheTemplatesOfEveryStack() throws Exception {
    Path target = dir.resolve("out");
    int code = AwsCommand.run("synth", "--config", CONFIG.toString(), "--out", target.toString());

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Wrote 2 templates to " + target)
        .contains("CairnPipeline.template.json");
    for (String stack : List.of("CairnImages", "CairnPipeline")) {
      assertThat(target.resolve(stack + ".template.json")).isRegularFile();
    }
    assertThat(Files.readString(target.resolve("CairnPipeline.template.json")))
        .contains("AWS::StepFunctions::StateMachine", "DefinitionSubstitutions");
  }

  @Test
  void notesTemplateWritesTheTemplateTheExampleCarries() throws Exception {
    Path target = dir.resolve("app").resolve("cairn.stack.json");
    int code = AwsCommand.run("notes-template", "--out", target.toString());

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Wrote the notes example's template to " + target);
    // What the regeneration command writes is what the example carries.
    assertThat(Json.parse(Files.readString(target)))
        .isEqualTo(Json.parse(Files.readString(Path.of("..").resolve(NotesTemplate.EXAMPLE_FILE))));
  }

  @Test
  void aMissingConfigurationIsAClearError() {
    int code =
        AwsCommand.run(
            "synth", "--config", dir.resolve("none.yml").toString(), "--out", dir.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("cairn: " + dir.resolve("none.yml") + ": no such file\n");
  }

  private record Outcome(int code, String err) {}

  private Outcome deploy(AwsDeployCommand command, String... args) {
    CommandLine commandLine = new CommandLine(command);
    StringWriter errors = new StringWriter();
    commandLine.setErr(new PrintWriter(errors, true));
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    return new Outcome(commandLine.execute(args), errors.toString());
  }

  @Test
  void deployWithoutNpxSaysSo() throws Exception {
    AwsDeployCommand command = new AwsDeployCommand();
    command.environment = Map.of("PATH", Files.createDirectories(dir.resolve("bin")).toString());
    command.home = dir;

    Outcome outcome = deploy(command, "--config", CONFIG.toString());

    assertThat(outcome.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(outcome.err()).startsWith("cairn: npx is not on the PATH");
  }

  @Test
  void deployWithoutCredentialsSaysSoAndDeploysNothing() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path npx = bin.resolve("npx");
    Files.writeString(npx, "#!/bin/sh\nexit 99\n");
    Files.setPosixFilePermissions(npx, PosixFilePermissions.fromString("rwxr-xr-x"));
    AwsDeployCommand command = new AwsDeployCommand();
    command.environment = Map.of("PATH", bin.toString());
    command.home = dir;
    Path target = dir.resolve("out");

    Outcome outcome = deploy(command, "--config", CONFIG.toString(), "--out", target.toString());

    assertThat(outcome.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(outcome.err()).startsWith("cairn: no AWS credentials found");
    assertThat(target).doesNotExist();
  }

  @Test
  void credentialsAreFoundInTheUsualPlaces() throws Exception {
    AwsDeployCommand command = new AwsDeployCommand();
    command.home = dir;
    command.environment = Map.of();
    assertThat(command.hasCredentials()).isFalse();
    command.environment = Map.of("AWS_PROFILE", "dev");
    assertThat(command.hasCredentials()).isTrue();
    command.environment = Map.of();
    Files.createDirectories(dir.resolve(".aws"));
    Files.writeString(dir.resolve(".aws/config"), "[default]\n");
    assertThat(command.hasCredentials()).isTrue();
  }

  @Test
  void theCdkCommandDeploysTheImagesAndPipelineStacksFromTheSynthesizedDirectory() {
    AwsDeployCommand command = new AwsDeployCommand();
    new CommandLine(command).parseArgs("--out", "cdk.out", "--image-tag", "1.2.3");

    List<String> line = command.command(Path.of("/usr/bin/npx"), CairnAwsConfig.read(CONFIG));

    assertThat(line)
        .containsExactly(
            "/usr/bin/npx",
            "--yes",
            AwsDeployCommand.CDK_CLI,
            "deploy",
            "--app",
            Path.of("cdk.out").toAbsolutePath().toString(),
            "CairnImages",
            "CairnPipeline",
            "--parameters",
            "CairnPipeline:ImageTag=1.2.3");
  }
}
