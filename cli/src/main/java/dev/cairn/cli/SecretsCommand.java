package dev.cairn.cli;

import dev.cairn.local.secret.CairnCredentials;
import dev.cairn.pipeline.file.EnvironmentNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn secrets}: the application's secrets (files of mode 0600 in CAIRN_HOME/secrets,
 * shared or scoped to one environment) and Cairn's own credentials (CAIRN_HOME/credentials, which
 * no pipeline can name).
 */
@Command(
    name = "secrets",
    mixinStandardHelpOptions = true,
    description = {
      // $$ keeps picocli from reading ${secrets.NAME} as one of its own variables.
      "Set and list the secrets pipelines reference as $${secrets.NAME}, and Cairn's own.",
      "Cairn's own credentials (git-token, git-username, audit-signing-key,"
          + " audit-signing-passphrase, cairn-webhook-secret) are kept apart where no pipeline"
          + " can read them."
    },
    subcommands = {SecretsCommand.Set.class, SecretsCommand.ListNames.class})
public final class SecretsCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code cairn secrets set NAME}: the value is read from standard input, never an argument. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Store a secret, read from standard input (one line).",
        "Its value never appears in the shell history or the process list:"
            // %% is picocli's escape of %: the help shows printf %s.
            + " printf %%s \"$TOKEN\" | cairn secrets set NAME"
      })
  static final class Set implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Letters, digits, '.', '_' and '-'.")
    String name;

    @Option(
        names = "--env",
        paramLabel = "ENVIRONMENT",
        description =
            "Only this environment's steps, migrations and release see the value (others see the"
                + " shared one, if any).")
    String environment;

    @Override
    public Integer call() throws IOException {
      Path home = CairnHome.path();
      boolean credential = CairnCredentials.isCredential(name);
      if (credential && environment != null) {
        throw new UserInputException(
            name + " is one of Cairn's own credentials; it has no per-environment value");
      }
      if (environment != null) {
        try {
          EnvironmentNames.require(environment);
        } catch (IllegalArgumentException e) {
          throw new UserInputException("--env: " + e.getMessage());
        }
      }
      String value = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      if (value.isEmpty()) {
        throw new UserInputException("no value on standard input for the secret " + name);
      }
      try {
        if (credential) {
          CairnCredentials.open(home).put(name, value);
        } else if (environment != null) {
          CairnCredentials.applicationSecrets(home).put(environment, name, value);
        } else {
          CairnCredentials.applicationSecrets(home).put(name, value);
        }
      } catch (IllegalArgumentException e) {
        throw new UserInputException(e.getMessage());
      }
      System.out.println(
          (credential ? "credential " : "secret ")
              + name
              + (environment != null ? " (" + environment + ")" : "")
              + " stored"
              + (credential ? " apart from the pipeline's secrets" : ""));
      return ExitCodes.OK;
    }
  }

  /** {@code cairn secrets list}: names only, never values. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the secrets' names.")
  static final class ListNames implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      Path home = CairnHome.path();
      if (Files.isDirectory(home.resolve("secrets"))) {
        CairnCredentials.applicationSecrets(home).names().forEach(System.out::println);
      }
      if (Files.isDirectory(CairnCredentials.directory(home))) {
        List<String> credentials = CairnCredentials.open(home).names();
        credentials.stream()
            .filter(CairnCredentials::isCredential)
            .forEach(n -> System.out.println(n + " (Cairn's credential)"));
      }
      return ExitCodes.OK;
    }
  }
}
