package dev.cairn.aws.infra;

import static dev.cairn.aws.infra.Synthesized.one;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.engine.json.Json;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release images' CodeBuild project of each repository in the pipeline stack: name, privileged
 * Docker build, S3 source under the repository's uploads, the inline buildspec that logs in, builds
 * with IMAGE_FILE/IMAGE_TAG and pushes, its own role, key and log group, and the runner told its
 * name. The roles' reach is evaluated in {@link BuildRoleStackTest}.
 */
class ImageBuildProjectTest {
  private static JsonNode pipeline;

  @BeforeAll
  static void synth() {
    Synthesized synthesized = Synthesized.get();
    pipeline = synthesized.json(synthesized.app.pipeline());
  }

  private static JsonNode project(String prefix) {
    return one(pipeline, "AWS::CodeBuild::Project", prefix).getValue().path("Properties");
  }

  @Test
  void eachRepositoryHasAPrivilegedImageProjectBuildingFromItsUploads() {
    JsonNode project = project("NotesImageBuild");
    assertThat(project.path("Name").asText()).isEqualTo("cairn-notes-image");
    assertThat(project("NotesEuImageBuild").path("Name").asText())
        .isEqualTo("cairn-notes-eu-image");
    assertThat(project.path("Environment").path("PrivilegedMode").asBoolean()).isTrue();
    assertThat(project.path("Environment").path("ComputeType").asText())
        .isEqualTo("BUILD_GENERAL1_SMALL");
    JsonNode source = project.path("Source");
    assertThat(source.path("Type").asText()).isEqualTo("S3");
    assertThat(source.path("Location").toString())
        .contains("\"/notes/" + BuildHandOff.UPLOADS + "\"");
    JsonNode buildSpec = Json.parse(source.path("BuildSpec").asText());
    assertThat(buildSpec.path("phases").path("pre_build").path("commands").toString())
        .contains("docker login");
    String build = buildSpec.path("phases").path("build").path("commands").toString();
    assertThat(build)
        .contains("docker build", "-f \\\"$IMAGE_FILE\\\"", "$IMAGE_REPOSITORY:$IMAGE_TAG")
        .contains("docker push");
    assertThat(buildSpec.path("phases").has("post_build")).isFalse();
    String variables = project.path("Environment").path("EnvironmentVariables").toString();
    assertThat(variables)
        .contains(
            "IMAGE_REPOSITORY", one(pipeline, "AWS::ECR::Repository", "NotesImages").getKey());
    assertThat(render(project.path("ServiceRole")))
        .contains(one(pipeline, "AWS::IAM::Role", "NotesImageBuildRole").getKey());
    assertThat(project.path("EncryptionKey").toString()).contains("PipelineKey");
    assertThat(project.path("LogsConfig").path("CloudWatchLogs").path("GroupName").toString())
        .contains("NotesImageBuildLogs");
    assertThat(
            one(pipeline, "AWS::Logs::LogGroup", "NotesImageBuildLogs")
                .getValue()
                .path("Properties")
                .path("LogGroupName")
                .asText())
        .isEqualTo("/cairn/codebuild/cairn-notes-image");
  }

  @Test
  void theImageRepositoryKeepsItsTagsImmutable() {
    for (String images : java.util.List.of("NotesImages", "NotesEuImages")) {
      assertThat(
              one(pipeline, "AWS::ECR::Repository", images)
                  .getValue()
                  .path("Properties")
                  .path("ImageTagMutability")
                  .asText())
          .as(images)
          .isEqualTo("IMMUTABLE");
    }
  }

  @Test
  void theRunnerIsToldTheProjectAndTheRepository() {
    JsonNode environment =
        one(pipeline, "AWS::Batch::JobDefinition", "NotesRunner")
            .getValue()
            .path("Properties")
            .path("ContainerProperties")
            .path("Environment");
    Map<String, String> variables = new java.util.HashMap<>();
    environment.forEach(v -> variables.put(v.path("Name").asText(), v.path("Value").toString()));
    assertThat(variables.get(ImageBuildProject.PROJECT_VARIABLE)).contains("NotesImageBuild");
    assertThat(variables).containsKey("CAIRN_IMAGE_REPOSITORY");
    JsonNode buildJob =
        one(pipeline, "AWS::Batch::JobDefinition", "NotesBuild")
            .getValue()
            .path("Properties")
            .path("ContainerProperties")
            .path("Environment");
    assertThat(buildJob.toString()).doesNotContain(ImageBuildProject.PROJECT_VARIABLE);
  }

  private static String render(JsonNode node) {
    return node.toString();
  }
}
