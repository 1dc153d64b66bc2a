package dev.cairn.pipeline.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads a commit's stack template (for {@link DeployTarget.Stack} environments) from a checkout of
 * the commit: the run's own workspace when this machine has it, else a fresh checkout — on AWS each
 * step runs in its own container, and a rollback deploys the template of the last good commit.
 */
final class StackTemplates {
  private final RuntimePorts ports;

  StackTemplates(RuntimePorts ports) {
    this.ports = ports;
  }

  /**
   * The template at {@code templatePath} in {@code commit}.
   *
   * @param run the run asking (its workspace is used when it holds the commit)
   */
  String template(String run, String commit, String templatePath) {
    Path checkout = ports.workspace(run);
    RunFacts facts = ports.runs().find(run).orElse(null);
    if (facts == null || !commit.equals(facts.commit()) || !Files.isDirectory(checkout)) {
      checkout =
          ports.workDirectory().resolve("templates").resolve(RunFacts.shortId(commit) + "-" + run);
      if (!Files.isDirectory(checkout)) {
        try {
          Files.createDirectories(checkout.getParent());
          ports.requireSource().checkout(commit, checkout);
        } catch (IOException e) {
          throw new StepFailure(
              CairnError.TRANSIENT,
              "commit " + RunFacts.shortId(commit) + " could not be checked out: " + e);
        }
      }
    }
    Path file = checkout.resolve(templatePath).normalize();
    if (!file.startsWith(checkout) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE,
          "commit " + RunFacts.shortId(commit) + " has no stack template at " + templatePath);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StepFailure(
          CairnError.INVALID_PIPELINE, "the stack template " + templatePath + " cannot be read");
    }
  }
}
