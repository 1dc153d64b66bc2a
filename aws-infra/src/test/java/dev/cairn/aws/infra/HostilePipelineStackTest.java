package dev.cairn.aws.infra;

import static dev.cairn.aws.infra.Synthesized.one;
import static dev.cairn.aws.infra.Synthesized.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synthesized pipeline stack against the abuses the security review found: what a build job, a
 * flood on the public webhook, a replayed push, another account or the logs could get.
 */
class HostilePipelineStackTest {
  private static JsonNode pipeline;

  @BeforeAll
  static void synth() {
    Synthesized synthesized = Synthesized.get();
    pipeline = synthesized.json(synthesized.app.pipeline());
  }

  @Test
  void aJobMaySendOnlyToItsOwnRepositorysStatusQueueAndTheNotifierTrustsTheQueue() {
    String queue = one(pipeline, "AWS::SQS::Queue", "NotesStatusQueue").getKey();
    String jobPolicy =
        one(pipeline, "AWS::IAM::Policy", "NotesJobRoleDefaultPolicy").getValue().toString();
    assertThat(jobPolicy).contains("sqs:SendMessage").contains(queue);
    long queues =
        resources(pipeline, "AWS::SQS::Queue").keySet().stream()
            .filter(k -> k.contains("StatusQueue"))
            .count();
    assertThat(queues).isEqualTo(resources(pipeline, "AWS::Lambda::EventSourceMapping").size());
    JsonNode notifier = one(pipeline, "AWS::Lambda::Function", "Notifier").getValue();
    assertThat(notifier.path("Properties").path("Environment").path("Variables").toString())
        .contains("CAIRN_STATUS_QUEUE_REPOSITORIES")
        .contains(queue);
  }

  @Test
  void stepFunctionsLogsNoExecutionDataAndTerminatesOnlyJobs() {
    for (JsonNode machine : resources(pipeline, "AWS::StepFunctions::StateMachine").values()) {
      JsonNode logging = machine.path("Properties").path("LoggingConfiguration");
      assertThat(logging.path("Level").asText()).isEqualTo("ERROR");
      assertThat(logging.path("IncludeExecutionData").asBoolean()).isFalse();
    }
    for (JsonNode policy : resources(pipeline, "AWS::IAM::Policy").values()) {
      for (JsonNode statement :
          policy.path("Properties").path("PolicyDocument").path("Statement")) {
        if (statement.path("Action").toString().contains("batch:TerminateJob")) {
          assertThat(statement.path("Resource").toString())
              .doesNotContain("\"*\"")
              .contains(":job/");
        }
      }
    }
  }

  @Test
  void cloudWatchMayUseTheKeyOnlyForThisAccountsAlarms() {
    JsonNode key = one(pipeline, "AWS::KMS::Key", "PipelineKey").getValue();
    boolean found = false;
    for (JsonNode statement : key.path("Properties").path("KeyPolicy").path("Statement")) {
      if (statement.path("Principal").toString().contains("cloudwatch.amazonaws.com")) {
        found = true;
        assertThat(statement.path("Condition").toString())
            .contains("aws:SourceAccount")
            .contains("aws:SourceArn");
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void thePublicWebhookHasReservedConcurrencyAndReplayMarkersOutliveRedeliveries() {
    JsonNode webhook = one(pipeline, "AWS::Lambda::Function", "Webhook").getValue();
    assertThat(webhook.path("Properties").path("ReservedConcurrentExecutions").asInt())
        .isPositive();
    JsonNode bucket = one(pipeline, "AWS::S3::Bucket", "Artifacts").getValue();
    boolean found = false;
    for (JsonNode rule : bucket.path("Properties").path("LifecycleConfiguration").path("Rules")) {
      if (rule.path("Prefix").asText().equals("deliveries/")) {
        found = true;
        assertThat(rule.path("ExpirationInDays").asInt()).isGreaterThanOrEqualTo(365);
      }
    }
    assertThat(found).isTrue();
  }
}
