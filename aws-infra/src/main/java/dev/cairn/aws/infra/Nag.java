package dev.cairn.aws.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.constructs.IConstruct;

/**
 * cdk-nag suppressions, each with the reason it is acceptable. Kept in one place so that every
 * exception to the AwsSolutions rules is easy to review.
 */
final class Nag {
  private Nag() {}

  /** Suppresses a rule on a construct and its children. */
  static void suppress(IConstruct construct, String rule, String reason) {
    NagSuppressions.addResourceSuppressions(
        construct, List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
  }

  /**
   * Suppresses AwsSolutions-IAM5 (wildcards in IAM policies) for the findings matching the given
   * regular expressions only (e.g. {@code ^Resource::\*$}); any other wildcard still fails.
   */
  static void suppressIam5(IConstruct construct, String reason, String... findingPatterns) {
    List<Object> appliesTo = new ArrayList<>();
    for (String pattern : findingPatterns) {
      appliesTo.add(RegexAppliesTo.builder().regex("/" + pattern + "/").build());
    }
    NagSuppressions.addResourceSuppressions(
        construct,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(reason)
                .appliesTo(appliesTo)
                .build()),
        true);
  }
}
