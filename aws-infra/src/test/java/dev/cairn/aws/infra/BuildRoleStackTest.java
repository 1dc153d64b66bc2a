package dev.cairn.aws.infra;

import static dev.cairn.aws.infra.Synthesized.one;
import static dev.cairn.aws.infra.Synthesized.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.batch.BuildHandOff;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding 10 of the security review, on the synthesized pipeline stack: the untrusted build steps
 * run with a role of their own that can read only its build's source and write only its build's
 * upload, while the privileged runner's role keeps the git token, CloudFormation and PassRole.
 *
 * <p>The build role's policy is evaluated (Allow statements, action and resource patterns as IAM
 * matches them, Deny statements winning) against the very keys the runner uses ({@link
 * BuildHandOff}), and against what a hostile build would try: poisoning {@code trees/} or {@code
 * objects/}, rewriting the run's facts or the deploy queue, reading the git token. And finding 13:
 * of all the stack's roles, exactly which may read the git token.
 */
class BuildRoleStackTest {
  private static final String TICKET = "0123456789abcdef0123456789abcdef";
  private static final String JOB = "000001-abc1234-build";

  private static JsonNode pipeline;
  private static String bucket;
  private static List<JsonNode> buildStatements;

  @BeforeAll
  static void synth() {
    Synthesized synthesized = Synthesized.get();
    pipeline = synthesized.json(synthesized.app.pipeline());
    bucket = "<" + one(pipeline, "AWS::S3::Bucket", "Artifacts").getKey() + ".Arn>";
    buildStatements = statements(policiesOf(role("NotesBuildRole")));
  }

  private static String role(String prefix) {
    return one(pipeline, "AWS::IAM::Role", prefix).getKey();
  }

  /** The policy documents attached to a role (CDK's default policy and any other). */
  private static List<JsonNode> policiesOf(String role) {
    List<JsonNode> documents = new ArrayList<>();
    for (JsonNode policy : resources(pipeline, "AWS::IAM::Policy").values()) {
      for (JsonNode attached : policy.path("Properties").path("Roles")) {
        if (role.equals(attached.path("Ref").asText())) {
          documents.add(policy.path("Properties").path("PolicyDocument"));
        }
      }
    }
    pipeline
        .path("Resources")
        .path(role)
        .path("Properties")
        .path("Policies")
        .forEach(p -> documents.add(p.path("PolicyDocument")));
    return documents;
  }

  private static List<JsonNode> statements(List<JsonNode> documents) {
    List<JsonNode> statements = new ArrayList<>();
    documents.forEach(d -> d.path("Statement").forEach(statements::add));
    return statements;
  }

  /** A template value as text: GetAtt and Ref become {@code <Id.Attr>} and {@code <Id>}. */
  private static String render(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.has("Fn::GetAtt")) {
      return "<"
          + value.path("Fn::GetAtt").get(0).asText()
          + "."
          + value.path("Fn::GetAtt").get(1).asText()
          + ">";
    }
    if (value.has("Ref")) {
      return "<" + value.path("Ref").asText() + ">";
    }
    if (value.has("Fn::Join")) {
      StringBuilder joined = new StringBuilder();
      JsonNode parts = value.path("Fn::Join").get(1);
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) {
          joined.append(value.path("Fn::Join").get(0).asText());
        }
        joined.append(render(parts.get(i)));
      }
      return joined.toString();
    }
    return value.toString();
  }

  private static List<String> texts(JsonNode node) {
    List<String> texts = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> texts.add(render(n)));
    } else if (!node.isMissingNode()) {
      texts.add(render(node));
    }
    return texts;
  }

  /** IAM's wildcard matching: {@code *} any characters, {@code ?} one. */
  private static boolean matches(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf(c));
          });
    }
    return Pattern.matches(regex.toString(), value);
  }

  private static boolean applies(JsonNode statement, String action, String resource) {
    return texts(statement.path("Action")).stream().anyMatch(a -> matches(a, action))
        && texts(statement.path("Resource")).stream().anyMatch(r -> matches(r, resource));
  }

  /** Whether the statements allow {@code action} on {@code resource} (no condition is used). */
  private static boolean allowed(List<JsonNode> statements, String action, String resource) {
    boolean allow = false;
    for (JsonNode statement : statements) {
      if (applies(statement, action, resource)) {
        if ("Deny".equals(statement.path("Effect").asText())) {
          return false;
        }
        allow = true;
      }
    }
    return allow;
  }

  private static String object(String key) {
    return bucket + "/" + key;
  }

  @Test
  void theBuildReadsOnlyItsSourceAndWritesOnlyItsUpload() {
    String prefix = "notes/";
    assertThat(
            allowed(
                buildStatements,
                "s3:GetObject",
                object(BuildHandOff.sourceKey(prefix, JOB, TICKET))))
        .isTrue();
    assertThat(
            allowed(
                buildStatements,
                "s3:PutObject",
                object(BuildHandOff.uploadKey(prefix, JOB, TICKET))))
        .isTrue();
    assertThat(
            allowed(
                buildStatements,
                "s3:PutObject",
                object(BuildHandOff.resultKey(prefix, JOB, TICKET))))
        .isTrue();
  }

  @Test
  void aBuildCannotPoisonTreesObjectsRunFactsTheQueueOrAnotherRepository() {
    for (String key :
        List.of(
            "notes/trees/" + "a".repeat(40),
            "notes/objects/sha256/" + "b".repeat(64),
            "notes/runs/000001-abc1234/run.json",
            "notes/runs/000001-abc1234/results/build.json",
            "notes/environments/production.json",
            "notes/queue/production.json",
            "notes/audit/outbox/0001.json",
            "notes/logs/000001-abc1234/build.log",
            BuildHandOff.sourceKey("notes/", JOB, TICKET),
            BuildHandOff.uploadKey("notes-eu/", JOB, TICKET),
            "deliveries/push-x")) {
      for (String action : List.of("s3:PutObject", "s3:DeleteObject")) {
        assertThat(allowed(buildStatements, action, object(key))).as(action + " " + key).isFalse();
      }
    }
    for (String key :
        List.of(
            "notes/objects/sha256/" + "b".repeat(64),
            "notes/trees/" + "a".repeat(40),
            "notes/runs/000001-abc1234/run.json",
            "notes/queue/production.json",
            BuildHandOff.uploadKey("notes/", JOB, TICKET),
            BuildHandOff.sourceKey("notes-eu/", JOB, TICKET))) {
      assertThat(allowed(buildStatements, "s3:GetObject", object(key))).as(key).isFalse();
    }
    // Without ListBucket, the tickets of other builds cannot be found.
    assertThat(allowed(buildStatements, "s3:ListBucket", bucket)).isFalse();
  }

  @Test
  void theBuildHasNoneOfCairnsCredentialsNorAnyWayToDeploy() {
    List<String> actions = new ArrayList<>();
    buildStatements.forEach(s -> actions.addAll(texts(s.path("Action"))));
    assertThat(actions)
        .containsOnly("s3:GetObject", "s3:PutObject", "kms:GenerateDataKey", "kms:Decrypt");
    String token = "<" + one(pipeline, "AWS::SecretsManager::Secret", "GitToken").getKey() + ">";
    assertThat(allowed(buildStatements, "secretsmanager:GetSecretValue", token)).isFalse();
    for (String action :
        List.of(
            "secretsmanager:GetSecretValue",
            "ecr:PutImage",
            "ecr:InitiateLayerUpload",
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
            "iam:PassRole",
            "batch:SubmitJob",
            "sqs:SendMessage",
            "states:SendTaskSuccess",
            "lambda:InvokeFunction")) {
      assertThat(actions).as(action).noneMatch(a -> matches(a, action));
    }
  }

  /**
   * The release images: the image project's role reads only the build contexts under its
   * repository's uploads and pushes only to its repository; the privileged runner starts and
   * follows the project and reads its log; the build job's role can do neither (it would otherwise
   * build and push an image of its own choosing, past the runner).
   */
  @Test
  void theImageProjectReadsOnlyItsContextsAndPushesOnlyItsRepositoryAndOnlyTheRunnerStartsIt() {
    List<JsonNode> image = statements(policiesOf(role("NotesImageBuildRole")));
    String project = "<" + one(pipeline, "AWS::CodeBuild::Project", "NotesImageBuild").getKey();
    String repository = "<" + one(pipeline, "AWS::ECR::Repository", "NotesImages").getKey();
    String other = "<" + one(pipeline, "AWS::ECR::Repository", "NotesEuImages").getKey();
    String logs = "<" + one(pipeline, "AWS::Logs::LogGroup", "NotesImageBuildLogs").getKey();
    String context = object(BuildHandOff.contextKey("notes/", "000001-abc1234-image", TICKET));
    assertThat(allowed(image, "s3:GetObject", context)).isTrue();
    for (String key :
        List.of(
            BuildHandOff.sourceKey("notes/", JOB, TICKET),
            BuildHandOff.contextKey("notes-eu/", JOB, TICKET),
            "notes/objects/sha256/" + "b".repeat(64),
            "notes/queue/production.json",
            "notes/runs/000001-abc1234/run.json")) {
      assertThat(allowed(image, "s3:GetObject", object(key))).as(key).isFalse();
    }
    for (String action : List.of("s3:PutObject", "s3:DeleteObject", "s3:ListBucket")) {
      assertThat(allowed(image, action, context)).as(action).isFalse();
    }
    assertThat(allowed(image, "ecr:PutImage", repository + ".Arn>")).isTrue();
    assertThat(allowed(image, "ecr:PutImage", other + ".Arn>")).isFalse();
    String token = "<" + one(pipeline, "AWS::SecretsManager::Secret", "GitToken").getKey() + ">";
    assertThat(allowed(image, "secretsmanager:GetSecretValue", token)).isFalse();
    List<String> actions = new ArrayList<>();
    image.forEach(s -> actions.addAll(texts(s.path("Action"))));
    for (String action :
        List.of(
            "secretsmanager:GetSecretValue",
            "sqs:SendMessage",
            "cloudformation:CreateChangeSet",
            "iam:PassRole",
            "batch:SubmitJob",
            "codebuild:StartBuild")) {
      assertThat(actions).as(action).noneMatch(a -> matches(a, action));
    }

    List<JsonNode> runner = statements(policiesOf(role("NotesJobRole")));
    for (String action :
        List.of("codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild")) {
      assertThat(allowed(runner, action, project + ".Arn>")).as(action).isTrue();
      assertThat(allowed(buildStatements, action, project + ".Arn>")).as(action).isFalse();
    }
    assertThat(allowed(runner, "logs:GetLogEvents", logs + ".Arn>")).isTrue();
    assertThat(allowed(runner, "ecr:DescribeImages", repository + ".Arn>")).isTrue();
    assertThat(allowed(runner, "ecr:PutImage", repository + ".Arn>")).isFalse();
    assertThat(allowed(buildStatements, "logs:GetLogEvents", logs + ".Arn>")).isFalse();
    // The other repository's runner cannot start this project.
    List<JsonNode> otherRunner = statements(policiesOf(role("NotesEuJobRole")));
    assertThat(allowed(otherRunner, "codebuild:StartBuild", project + ".Arn>")).isFalse();
  }

  @Test
  void theBuildJobDefinitionRunsTheRunnerAsTheBuildJobWithTheBuildRole() {
    JsonNode container =
        one(pipeline, "AWS::Batch::JobDefinition", "NotesBuild")
            .getValue()
            .path("Properties")
            .path("ContainerProperties");
    assertThat(render(container.path("JobRoleArn")))
        .isEqualTo("<" + role("NotesBuildRole") + ".Arn>");
    String environment = container.path("Environment").toString();
    assertThat(environment)
        .contains(BuildHandOff.JOB_ROLE_VARIABLE, BuildHandOff.BUILD_JOB_ROLE)
        .doesNotContain(
            "CAIRN_GIT_TOKEN_SECRET_ID",
            "CAIRN_GIT_REMOTE",
            "CAIRN_STATUS_QUEUE_URL",
            "CAIRN_SECRET_PREFIX",
            "CAIRN_STACK_PREFIX",
            "CAIRN_IMAGE_REPOSITORY");
  }

  @Test
  void thePrivilegedRunnerKeepsTheTokenAndDeploysAndSubmitsBuildsToTheBuildDefinitionOnly() {
    List<JsonNode> privileged = statements(policiesOf(role("NotesJobRole")));
    String token = "<" + one(pipeline, "AWS::SecretsManager::Secret", "GitToken").getKey() + ">";
    String build = "<" + one(pipeline, "AWS::Batch::JobDefinition", "NotesBuild").getKey() + ">";
    String runner = "<" + one(pipeline, "AWS::Batch::JobDefinition", "NotesRunner").getKey() + ">";
    assertThat(allowed(privileged, "secretsmanager:GetSecretValue", token)).isTrue();
    assertThat(allowed(privileged, "batch:SubmitJob", build)).isTrue();
    assertThat(allowed(privileged, "batch:SubmitJob", runner)).isFalse();
    assertThat(allowed(privileged, "s3:PutObject", object("notes/trees/" + "a".repeat(40))))
        .isTrue();
    List<String> actions = new ArrayList<>();
    privileged.forEach(s -> actions.addAll(texts(s.path("Action"))));
    assertThat(actions)
        .contains("cloudformation:CreateChangeSet", "iam:PassRole", "logs:GetLogEvents");
    JsonNode environment =
        one(pipeline, "AWS::Batch::JobDefinition", "NotesRunner")
            .getValue()
            .path("Properties")
            .path("ContainerProperties")
            .path("Environment");
    String buildDefinition = null;
    for (JsonNode variable : environment) {
      if (variable.path("Name").asText().equals(BuildHandOff.BUILD_JOB_DEFINITION_VARIABLE)) {
        buildDefinition = render(variable.path("Value"));
      }
    }
    assertThat(buildDefinition).isEqualTo(build);
    // The state machine itself submits only the privileged runner's job definition.
    List<JsonNode> machine = statements(policiesOf(role("NotesStateMachineRole")));
    assertThat(allowed(machine, "batch:SubmitJob", runner)).isTrue();
    assertThat(allowed(machine, "batch:SubmitJob", build)).isFalse();
  }

  /**
   * Finding 13: of every role in the stack, exactly these may read the git token — the record
   * function (it pushes {@code cairn/audit}), the privileged runner (it fetches the repository and
   * recovers the environments' states from the trail) and the status notifier (commit statuses).
   * Not validate, queue or plan (the queue decides from the states in S3 alone), not the build.
   */
  @Test
  void exactlyTheRecordFunctionThePrivilegedRunnerAndTheNotifierMayReadTheGitToken() {
    String token = "<" + one(pipeline, "AWS::SecretsManager::Secret", "GitToken").getKey() + ">";
    List<String> readers = new ArrayList<>();
    for (String role : resources(pipeline, "AWS::IAM::Role").keySet()) {
      if (allowed(statements(policiesOf(role)), "secretsmanager:GetSecretValue", token)) {
        // CDK appends a hash of the construct's path to each logical id.
        readers.add(role.replaceFirst("[0-9A-F]{8}$", ""));
      }
    }
    // The stack serves two repositories, notes and notes-eu: one record function and one
    // privileged runner each, one notifier for both.
    assertThat(readers)
        .containsExactlyInAnyOrder(
            "NotesRecordRole",
            "NotesJobRole",
            "NotesEuRecordRole",
            "NotesEuJobRole",
            "NotifierRole");
    for (String repository : List.of("Notes", "NotesEu")) {
      for (String job : List.of("Validate", "Queue", "Plan", "Build", "StateMachine")) {
        String role = repository + job + "Role";
        assertThat(
                allowed(statements(policiesOf(role(role))), "secretsmanager:GetSecretValue", token))
            .as(role)
            .isFalse();
      }
      // Nor are validate, queue and plan told where the token or the trail is.
      for (String function : List.of("Validate", "Queue", "Plan")) {
        assertThat(variables(repository + function))
            .as(repository + function)
            .contains("CAIRN_ARTIFACT_BUCKET")
            .doesNotContain("CAIRN_GIT_TOKEN_SECRET_ID", "CAIRN_GIT_REMOTE");
      }
      assertThat(variables(repository + "Record"))
          .contains("CAIRN_GIT_TOKEN_SECRET_ID", "CAIRN_GIT_REMOTE");
    }
  }

  /** The names of the environment variables of the function {@code id} (CDK's hash after it). */
  private static List<String> variables(String id) {
    JsonNode function =
        resources(pipeline, "AWS::Lambda::Function").entrySet().stream()
            .filter(e -> e.getKey().matches(Pattern.quote(id) + "[0-9A-F]{8}"))
            .map(java.util.Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no function " + id));
    List<String> names = new ArrayList<>();
    function
        .path("Properties")
        .path("Environment")
        .path("Variables")
        .fieldNames()
        .forEachRemaining(names::add);
    return names;
  }
}
