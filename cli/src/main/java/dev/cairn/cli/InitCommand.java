package dev.cairn.cli;

import dev.cairn.pipeline.file.Starter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn init}: writes a commented starter pipeline file. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Write a commented starter cairn.yml into the current directory.")
public final class InitCommand implements Callable<Integer> {
  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The application's name (default: the directory's).")
  String name;

  @Option(names = "--force", description = "Overwrite an existing cairn.yml.")
  boolean force;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Where to write it.")
  Path dir;

  @Override
  public Integer call() throws IOException {
    Path file = dir.resolve("cairn.yml");
    if (Files.exists(file) && !force) {
      throw new UserInputException(file + " exists already (use --force to overwrite it)");
    }
    String appName =
        name != null
            ? name
            : Starter.nameFrom(dir.toAbsolutePath().normalize().getFileName().toString());
    String text;
    try {
      text = Starter.text(appName);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    Files.writeString(file, text);
    System.out.println("wrote " + file + "; check it with: cairn pipeline validate");
    return ExitCodes.OK;
  }
}
