package dev.cairn.aws.infra;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One application repository Cairn runs on AWS: it gets its own state machine (compiled from its
 * pipeline file), EventBridge rule, runner job definition, pipeline functions and alarm.
 *
 * @param name a short name, used in resource names and ids ({@code [a-z][a-z0-9-]*}, at most 24)
 * @param github the GitHub repository, {@code owner/repo}
 * @param branch the branch whose pushes start runs
 * @param pipelineFile the repository's pipeline file ({@code cairn.yml}) as read at synth time
 * @param deployRoleArn the CloudFormation execution role the {@code apply} job passes to change
 *     sets of the application's stacks, or null when the application is not deployed by
 *     CloudFormation
 */
public record RepositoryConfig(
    String name, String github, String branch, Path pipelineFile, String deployRoleArn) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,23}");
  private static final Pattern GITHUB = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

  /** Checks every field, with a message naming the repository and the field. */
  public RepositoryConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new AwsConfigException(
          "repository name '" + name + "' must match [a-z][a-z0-9-]* (at most 24 characters)");
    }
    if (github == null || !GITHUB.matcher(github).matches()) {
      throw new AwsConfigException(
          "repository '" + name + "': github must be owner/repo, got '" + github + "'");
    }
    if (branch == null || branch.isBlank()) {
      throw new AwsConfigException("repository '" + name + "': branch must not be empty");
    }
    if (pipelineFile == null) {
      throw new AwsConfigException("repository '" + name + "': pipeline (the file) is required");
    }
  }

  /** The owner of the GitHub repository. */
  public String owner() {
    return github.substring(0, github.indexOf('/'));
  }

  /** The HTTPS clone URL on GitHub. */
  public String cloneUrl() {
    return "https://github.com/" + github + ".git";
  }
}
