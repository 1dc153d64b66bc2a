package dev.cairn.aws.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.port.StackHealth;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The bake's checks on moto: target health and alarms. moto reports every registered IP target
 * {@code healthy} (it checks nothing), so what it shows is a healthy target group, an empty one
 * (not healthy: no target), and a missing one; alarms are real state that the test sets with {@code
 * SetAlarmState}, as a 5xx alarm would go to ALARM.
 */
@ExtendWith(MotoExtension.class)
class AwsStackHealthTest {
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private ElasticLoadBalancingV2Client elb;
  private CloudWatchClient cloudWatch;
  private AwsStackHealth health;
  private String vpc;

  @BeforeEach
  void setUp() {
    elb = EmulatorClients.elasticLoadBalancing();
    cloudWatch = EmulatorClients.cloudWatch();
    health = new AwsStackHealth(elb, cloudWatch);
    // A VPC for the target groups (this build has no EC2 client; moto's CloudFormation makes one).
    try (CloudFormationClient cloudFormation = EmulatorClients.cloudFormation()) {
      cloudFormation.createStack(
          b ->
              b.stackName("net-" + id)
                  .templateBody(
                      """
                      {"Resources": {"Vpc": {"Type": "AWS::EC2::VPC",
                         "Properties": {"CidrBlock": "10.0.0.0/16"}}},
                       "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}}}
                      """));
      vpc =
          cloudFormation
              .describeStacks(b -> b.stackName("net-" + id))
              .stacks()
              .get(0)
              .outputs()
              .get(0)
              .outputValue();
    }
  }

  @AfterEach
  void tearDown() {
    elb.close();
    cloudWatch.close();
  }

  private String targetGroup(String name) {
    return elb.createTargetGroup(
            b ->
                b.name(name)
                    .protocol(ProtocolEnum.HTTP)
                    .port(8080)
                    .vpcId(vpc)
                    .targetType(TargetTypeEnum.IP))
        .targetGroups()
        .get(0)
        .targetGroupArn();
  }

  @Test
  void registeredTargetsAreHealthyAndAnEmptyGroupIsNot() {
    String serving = targetGroup("srv-" + id);
    elb.registerTargets(b -> b.targetGroupArn(serving).targets(t -> t.id("10.0.1.7").port(8080)));
    String empty = targetGroup("emp-" + id);

    StackHealth.Targets targets = health.targets(serving);
    StackHealth.Targets none = health.targets(empty);

    assertThat(targets.healthy()).isEqualTo(1);
    assertThat(targets.allHealthy()).isTrue();
    assertThat(none.healthy()).isZero();
    assertThat(none.allHealthy()).isFalse();
  }

  @Test
  void aMissingTargetGroupIsAnAwsError() {
    String arn =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone-" + id + "/0123";

    assertThatThrownBy(() -> health.targets(arn))
        .isInstanceOf(AwsException.class)
        .hasMessageContaining("ELB DescribeTargetHealth of " + arn);
  }
}
