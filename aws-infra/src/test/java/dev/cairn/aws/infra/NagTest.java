package dev.cairn.aws.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AwsSolutions rules, applied by the app itself: no unsuppressed error or warning in any
 * stack, and the rules did run (their suppressions are recorded in the templates).
 */
class NagTest {
  private static Synthesized synthesized;

  @BeforeAll
  static void synth() {
    synthesized = Synthesized.get();
  }

  private static List<String> messages(boolean errors) {
    List<String> found = new ArrayList<>();
    for (Stack stack : synthesized.stacks()) {
      Annotations annotations = Annotations.fromStack(stack);
      List<SynthesisMessage> messages =
          errors
              ? annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
              : annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
      for (SynthesisMessage message : messages) {
        found.add(
            message.getId()
                + ": "
                + String.valueOf(message.getEntry().getData()).lines().findFirst().orElse(""));
      }
    }
    return found;
  }

  @Test
  void theAppReportsNoFindings() {
    assertThat(synthesized.app.findings()).isEmpty();
    assertThat(synthesized.notes.findings()).isEmpty();
  }

  @Test
  void noUnsuppressedErrors() {
    assertThat(messages(true)).isEmpty();
  }

  @Test
  void noUnsuppressedWarnings() {
    assertThat(messages(false)).isEmpty();
  }

  @Test
  void everySuppressionGivesAReason() {
    int suppressions = 0;
    for (Stack stack : synthesized.stacks()) {
      var resources = synthesized.json(stack).path("Resources");
      for (var resource : resources) {
        for (var rule : resource.path("Metadata").path("cdk_nag").path("rules_to_suppress")) {
          suppressions++;
          assertThat(rule.path("reason").asText()).hasSizeGreaterThan(40);
        }
      }
    }
    // The rules ran: the suppressions they honour are recorded in the templates.
    assertThat(suppressions).isGreaterThan(10);
  }

  @Test
  void theCheckReportsAnUnsuppressedFinding() {
    // The same collection on a bucket without logging, TLS policy or encryption settings: proves
    // that the empty lists above mean "no findings", not "nothing collected".
    var app = new software.amazon.awscdk.App();
    var stack = new Stack(app, "Bare");
    new software.amazon.awscdk.services.s3.Bucket(stack, "Bare");
    software.amazon.awscdk.Aspects.of(app).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
    List<SynthesisMessage> errors =
        Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-S1.*"));
    assertThat(errors).isNotEmpty();
  }
}
