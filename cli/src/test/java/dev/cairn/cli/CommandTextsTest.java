package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What commands print for people and tools: help texts, the pipeline file's problems. */
class CommandTextsTest {
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

  private static List<CommandLine> everyCommand(CommandLine root) {
    List<CommandLine> all = new ArrayList<>(List.of(root));
    for (CommandLine sub : root.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
        all.addAll(everyCommand(sub));
      }
    }
    return all;
  }

  @Test
  void everyCommandsSummaryIsAWholeSentence() {
    // The first line of a description is the summary in its parent's command list.
    for (CommandLine command : everyCommand(CairnCommand.commandLine("--help"))) {
      String[] description = command.getCommandSpec().usageMessage().description();
      assertThat(description).as(command.getCommandName()).isNotEmpty();
      assertThat(description[0].strip())
          .as("the summary of %s", command.getCommandSpec().qualifiedName())
          .matches("(?s).*[.)]");
    }
  }

  @Test
  void helpTextsShowPipelineReferencesLiterally() {
    StringBuilder help = new StringBuilder();
    for (CommandLine command : everyCommand(CairnCommand.commandLine("--help"))) {
      help.append(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
    }

    assertThat(help.toString())
        .doesNotContainPattern("\\bnull\\b")
        // An option's description says what it is, not only its default.
        .doesNotContainPattern("(?m)^\\s+--\\S+\\s+\\(default:");
    // picocli warns (on stderr) about a description it cannot format, e.g. an unescaped %s.
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    assertThat(
            CairnCommand.commandLine("secrets")
                .getSubcommands()
                .get("secrets")
                .getSubcommands()
                .get("set")
                .getUsageMessage(CommandLine.Help.Ansi.OFF))
        .contains("printf %s")
        .doesNotContain("%%");
    assertThat(CairnCommand.commandLine("secrets").getUsageMessage(CommandLine.Help.Ansi.OFF))
        .contains("${secrets.NAME}");
  }

  @Test
  void validatePrintsEveryProblemInTheSameLocatedForm() throws Exception {
    Path file = dir.resolve("cairn.yml");
    Files.writeString(file, "name: x\nbild:\n  steps: []\nenvironments: []\n");

    int code = CairnCommand.run("pipeline", "validate", file.toString());

    assertThat(code).isEqualTo(ExitCodes.INVALID_INPUT);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines)
        .hasSizeGreaterThanOrEqualTo(2)
        .allMatch(line -> line.startsWith(file + ":"), "starts with " + file + ":");
    assertThat(lines).anyMatch(line -> line.matches(".*:2:1: unknown key 'bild'.*"));
  }

  @Test
  void anImagePipelineIsShownAsOneAndValidatedWithWhatTheMachineLacks() throws Exception {
    Path file = dir.resolve("cairn.yml");
    Files.writeString(
        file,
        """
        name: x
        build:
          steps: [{run: make}]
          image: {context: app}
        environments:
          - name: production
            app: {port: 8080}
            health: {path: /health}
        """);

    assertThat(CairnCommand.run("pipeline", "show", file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("1 step(s), image from Containerfile or Dockerfile (context app)");
    assertThat(CairnCommand.run("pipeline", "validate", file.toString())).isZero();
    // Where Podman is missing the file is still valid, and the warning says what is missing.
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            dev.cairn.local.container.Podman.fromPath()
                .unavailable()
                .map(
                    reason ->
                        "warning: releases are container images (build.image), and this machine"
                            + " cannot build or run them: "
                            + reason
                            + System.lineSeparator())
                .orElse(""));
  }
}
