package dev.cairn.aws.codebuild;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Creates CodeBuild projects in moto (StartBuild needs one) through {@link CodeBuildClient}'s
 * generic call: Cairn itself never creates projects (the pipeline stack does).
 */
public final class MotoProjects {
  private MotoProjects() {}

  /**
   * Creates an S3-sourced, privileged Linux project.
   *
   * @param location its default source, {@code bucket/prefix/}
   */
  public static void create(CodeBuildClient client, String name, String location) {
    ObjectNode body = new ObjectMapper().createObjectNode();
    body.put("name", name);
    body.putObject("source")
        .put("type", "S3")
        .put("location", location)
        .put("buildspec", "version: 0.2");
    body.putObject("artifacts").put("type", "NO_ARTIFACTS");
    body.putObject("environment")
        .put("type", "LINUX_CONTAINER")
        .put("image", "aws/codebuild/standard:7.0")
        .put("computeType", "BUILD_GENERAL1_SMALL")
        .put("privilegedMode", true);
    body.put("serviceRole", "arn:aws:iam::123456789012:role/" + name);
    client.call("CreateProject", body, "CodeBuild CreateProject " + name);
  }
}
