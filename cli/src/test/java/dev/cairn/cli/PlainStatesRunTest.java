package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which argument lists of {@code states run} skip picocli, and what they mean there. */
class PlainStatesRunTest {
  @Test
  void readsTheDefinitionInputAndJsonInAnyOrder() {
    StatesRunCommand command =
        PlainStatesRun.parse(
            new String[] {"states", "run", "--json", "m.json", "--input", "i.json"});

    assertThat(command).isNotNull();
    assertThat(command.definition).isEqualTo("m.json");
    assertThat(command.input).isEqualTo("i.json");
    assertThat(command.json).isTrue();
    assertThat(command.waitScale).isEqualTo(1);

    StatesRunCommand stdin =
        PlainStatesRun.parse(new String[] {"states", "run", "-", "--input=in.json"});
    assertThat(stdin.definition).isEqualTo("-");
    assertThat(stdin.input).isEqualTo("in.json");
    assertThat(stdin.json).isFalse();
  }

  @Test
  void leavesEverythingElseToPicocli() {
    String[][] others = {
      {"states", "run"},
      {"states", "run", "--help"},
      {"states", "run", "m.json", "-h"},
      {"states", "run", "m.json", "--wait-scale", "0"},
      {"states", "run", "m.json", "--mock-config", "c.json", "--test-case", "T"},
      {"states", "run", "m.json", "n.json"},
      {"states", "run", "m.json", "--input"},
      {"states", "run", "m.json", "--input", "--json"},
      {"states", "run", "m.json", "--input="},
      {"states", "run", "m.json", "--json", "--json"},
      {"states", "run", "m.json", "--"},
      {"states", "validate", "m.json"},
      {"run", "states", "m.json"},
    };
    for (String[] args : others) {
      assertThat(PlainStatesRun.parse(args)).as(String.join(" ", args)).isNull();
    }
  }
}
