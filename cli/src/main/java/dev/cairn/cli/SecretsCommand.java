package dev.cairn.cli;

import dev.cairn.local.secret.FileSecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn secrets}: the local secret store (files of mode 0600 in CAIRN_HOME/secrets). */
@Command(
    name = "secrets",
    mixinStandardHelpOptions = true,
    description = "Set and list the secrets pipelines reference as ${secrets.NAME}.",
    subcommands = {SecretsCommand.Set.class, SecretsCommand.ListNames.class})
public final class SecretsCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private static FileSecretStore store() {
    return new FileSecretStore(CairnHome.path().resolve("secrets"));
  }

  /** {@code cairn secrets set NAME}: the value is read from standard input, never an argument. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Store a secret; its value is read from standard input (one line), so it never",
        "appears in the shell history or the process list: printf %s \"$TOKEN\" | cairn secrets set NAME"
      })
  static final class Set implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Letters, digits, '.', '_' and '-'.")
    String name;

    @Override
    public Integer call() throws IOException {
      String value = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      if (value.isEmpty()) {
        throw new UserInputException("no value on standard input for the secret " + name);
      }
      try {
        store().put(name, value);
      } catch (IllegalArgumentException e) {
        throw new UserInputException(e.getMessage());
      }
      System.out.println("secret " + name + " stored");
      return ExitCodes.OK;
    }
  }

  /** {@code cairn secrets list}: names only, never values. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the secrets' names.")
  static final class ListNames implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      Path directory = CairnHome.path().resolve("secrets");
      if (!Files.isDirectory(directory)) {
        return ExitCodes.OK;
      }
      try (Stream<Path> files = Files.list(directory)) {
        files
            .map(f -> f.getFileName().toString())
            .filter(n -> !n.startsWith("."))
            .sorted()
            .forEach(System.out::println);
      }
      return ExitCodes.OK;
    }
  }
}
