package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command tree: built whole, or with only the subcommand the arguments name. */
class CairnCommandTest {
  private static String annotatedName(CommandLine commandLine) {
    return commandLine.getCommand().getClass().getAnnotation(Command.class).name();
  }

  @Test
  void withoutASubcommandNameEverySubcommandIsBuiltInTheUsageOrderWithHelpLast() {
    Map<String, CommandLine> all = CairnCommand.commandLine("--help").getSubcommands();
    assertThat(List.copyOf(all.keySet()))
        .containsExactly(
            "demo",
            "serve",
            "status",
            "runs",
            "logs",
            "history",
            "show",
            "metrics",
            "audit",
            "deploy",
            "rollback",
            "secrets",
            "init",
            "pipeline",
            "states",
            "aws",
            "runner",
            "service",
            "help");
    all.forEach((name, sub) -> assertThat(annotatedName(sub)).isEqualTo(name));
    assertThat(all.get("states").getSubcommands())
        .containsOnlyKeys(
            "run", "validate", "start", "describe", "list", "history", "stop", "test-state");
    assertThat(CairnCommand.commandLine().getSubcommands()).containsOnlyKeys(all.keySet());
    assertThat(CairnCommand.commandLine("nosuch", "x").getSubcommands())
        .containsOnlyKeys(all.keySet());
  }

  @Test
  void aNamedSubcommandIsBuiltAloneUnderItsAnnotatedName() {
    for (String name : CairnCommand.commandLine().getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      Map<String, CommandLine> subcommands = CairnCommand.commandLine(name).getSubcommands();
      assertThat(subcommands).containsOnlyKeys(name);
      assertThat(annotatedName(subcommands.get(name))).isEqualTo(name);
    }
  }

  @Test
  void statesBuildsOnlyTheStatesSubcommandNamedAndAllOfThemOtherwise() {
    for (String name :
        CairnCommand.commandLine("states")
            .getSubcommands()
            .get("states")
            .getSubcommands()
            .keySet()) {
      CommandLine states = CairnCommand.commandLine("states", name).getSubcommands().get("states");
      assertThat(states.getSubcommands()).containsOnlyKeys(name);
      assertThat(annotatedName(states.getSubcommands().get(name))).isEqualTo(name);
    }
    assertThat(
            CairnCommand.commandLine("states", "--help")
                .getSubcommands()
                .get("states")
                .getSubcommands())
        .hasSize(8);
  }

  @Test
  void helpNamingASubcommandStillFindsIt() {
    assertThat(CairnCommand.run("help", "states")).isZero();
    assertThat(CairnCommand.run("states", "run", "--help")).isZero();
  }
}
