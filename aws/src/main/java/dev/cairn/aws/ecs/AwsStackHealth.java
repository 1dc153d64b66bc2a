package dev.cairn.aws.ecs;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.pipeline.port.StackHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

/**
 * The bake's checks on AWS: the target group's targets ({@code DescribeTargetHealth}; {@code
 * draining} targets, the previous release's tasks on their way out, are left out) and CloudWatch
 * alarms ({@code DescribeAlarms}, metric and composite alarms, firing = state {@code ALARM}).
 */
public final class AwsStackHealth implements StackHealth {
  /** DescribeAlarms takes at most 100 names per call. */
  private static final int NAMES_PER_CALL = 100;

  private final ElasticLoadBalancingV2Client loadBalancing;
  private final CloudWatchClient cloudWatch;

  /**
   * The checks with these clients.
   *
   * @param loadBalancing Elastic Load Balancing v2
   * @param cloudWatch CloudWatch (alarms)
   */
  public AwsStackHealth(ElasticLoadBalancingV2Client loadBalancing, CloudWatchClient cloudWatch) {
    this.loadBalancing = Objects.requireNonNull(loadBalancing, "loadBalancing");
    this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
  }

  /**
   * The target group's targets.
   *
   * @param targetGroup the target group's ARN
   * @throws AwsException when the target group does not exist or cannot be read
   */
  @Override
  public Targets targets(String targetGroup) {
    List<TargetHealthDescription> descriptions;
    try {
      descriptions =
          loadBalancing
              .describeTargetHealth(b -> b.targetGroupArn(targetGroup))
              .targetHealthDescriptions();
    } catch (SdkException e) {
      throw AwsErrors.translate("ELB DescribeTargetHealth of " + targetGroup, e, true);
    }
    int healthy = 0;
    List<String> unhealthy = new ArrayList<>();
    for (TargetHealthDescription description : descriptions) {
      TargetHealthStateEnum state =
          description.targetHealth() == null ? null : description.targetHealth().state();
      if (state == TargetHealthStateEnum.DRAINING) {
        continue;
      }
      if (state == TargetHealthStateEnum.HEALTHY) {
        healthy++;
        continue;
      }
      String reason =
          description.targetHealth() == null ? null : description.targetHealth().reasonAsString();
      unhealthy.add(
          description.target().id()
              + (description.target().port() == null ? "" : ":" + description.target().port())
              + " "
              + (state == null ? "unknown" : state.toString())
              + (reason == null ? "" : " (" + reason + ")"));
    }
    return new Targets(healthy, unhealthy);
  }

  /**
   * The named alarms in state ALARM, each as {@code "<name> (<state reason>)"}.
   *
   * @throws AwsException when CloudWatch cannot be read
   */
  @Override
  public List<String> firing(List<String> names) {
    List<String> firing = new ArrayList<>();
    for (int from = 0; from < names.size(); from += NAMES_PER_CALL) {
      List<String> some = names.subList(from, Math.min(names.size(), from + NAMES_PER_CALL));
      DescribeAlarmsResponse response;
      try {
        response =
            cloudWatch.describeAlarms(
                b ->
                    b.alarmNames(some)
                        .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM)
                        .stateValue(StateValue.ALARM));
      } catch (SdkException e) {
        throw AwsErrors.translate("CloudWatch DescribeAlarms of " + some, e, true);
      }
      response.metricAlarms().stream()
          .filter(a -> a.stateValue() == StateValue.ALARM)
          .forEach(a -> firing.add(a.alarmName() + " (" + a.stateReason() + ")"));
      response.compositeAlarms().stream()
          .filter(a -> a.stateValue() == StateValue.ALARM)
          .forEach(a -> firing.add(a.alarmName() + " (" + a.stateReason() + ")"));
    }
    return firing;
  }

  @Override
  public String toString() {
    return "AwsStackHealth";
  }
}
