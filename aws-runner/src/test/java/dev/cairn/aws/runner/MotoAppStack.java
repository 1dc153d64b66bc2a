package dev.cairn.aws.runner;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * An application's stack template that moto's CloudFormation can deploy, for the tests of image
 * releases on a stack environment: the stack contract's parameters ({@code CairnCommit}, {@code
 * CairnArtifact}, {@code CairnImage}, {@code CairnMigrationImage}) and outputs ({@code
 * CairnCluster} ... {@code CairnAlarms}, docs/aws.md) on a VPC, an ECS cluster, a migration task
 * definition and a target group. moto cannot create the notes example's template (its
 * CloudFormation has no Secrets Manager resources), and runs no service: the "service" is an SSM
 * parameter naming the image it would run. The alarm the outputs name is {@link #alarm}: the tests
 * answer it with {@code CloudWatchAlarmsStub}.
 */
final class MotoAppStack {
  /** The template (JSON), as an application's repository would commit it. */
  static final String TEMPLATE =
      """
      {"AWSTemplateFormatVersion": "2010-09-09",
       "Parameters": {"CairnCommit": {"Type": "String"}, "CairnArtifact": {"Type": "String"},
         "CairnImage": {"Type": "String"}, "CairnMigrationImage": {"Type": "String"}},
       "Resources": {
         "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
         "Subnet": {"Type": "AWS::EC2::Subnet",
           "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24"}},
         "Tasks": {"Type": "AWS::EC2::SecurityGroup",
           "Properties": {"GroupDescription": "tasks", "VpcId": {"Ref": "Vpc"}}},
         "Cluster": {"Type": "AWS::ECS::Cluster"},
         "Migration": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
           {"Name": "migrate", "Image": {"Ref": "CairnMigrationImage"}, "Memory": 512}]}},
         "Targets": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
           "Properties": {"Protocol": "HTTP", "Port": 8080, "TargetType": "ip",
             "VpcId": {"Ref": "Vpc"}}},
         "Service": {"Type": "AWS::SSM::Parameter", "Properties": {
           "Name": {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "service"]]},
           "Type": "String", "Value": {"Fn::Join": ["", ["runs ", {"Ref": "CairnImage"}]]}}}},
       "Outputs": {
         "CairnCluster": {"Value": {"Ref": "Cluster"}},
         "CairnMigrationTaskDefinition": {"Value": {"Ref": "Migration"}},
         "CairnMigrationContainer": {"Value": "migrate"},
         "CairnSubnets": {"Value": {"Ref": "Subnet"}},
         "CairnSecurityGroups": {"Value": {"Ref": "Tasks"}},
         "CairnTargetGroup": {"Value": {"Ref": "Targets"}},
         "CairnAlarms": {"Value": {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "5xx"]]}}}}
      """;

  private MotoAppStack() {}

  /** The 5xx alarm the stack's {@code CairnAlarms} output names. */
  static String alarm(String stack) {
    return stack + "-5xx";
  }

  /**
   * Creates the environment's stack before its first release, running no image: moto computes
   * outputs only for a stack made by CreateStack (not by a change set, nor again on update), so the
   * outputs Cairn reads later are these.
   */
  static void create(CloudFormationClient cloudFormation, String stack) {
    cloudFormation.createStack(
        b ->
            b.stackName(stack)
                .templateBody(TEMPLATE)
                .parameters(
                    parameter("CairnCommit", "none"),
                    parameter("CairnArtifact", "none"),
                    parameter("CairnImage", ""),
                    parameter("CairnMigrationImage", "")));
  }

  /**
   * Registers the target ECS would register for the service's task: moto's target group reports a
   * registered target healthy without checking it, and moto runs no service.
   */
  static void registerTarget(
      ElasticLoadBalancingV2Client elb, CloudFormationClient cloudFormation, String stack) {
    elb.registerTargets(
        b ->
            b.targetGroupArn(outputs(cloudFormation, stack).get("CairnTargetGroup"))
                .targets(t -> t.id("10.0.1.7").port(8080)));
  }

  /** The stack's parameters now. */
  static Map<String, String> parameters(CloudFormationClient cloudFormation, String stack) {
    return describe(cloudFormation, stack).parameters().stream()
        .collect(Collectors.toMap(Parameter::parameterKey, Parameter::parameterValue));
  }

  /** The stack's outputs, by name. */
  static Map<String, String> outputs(CloudFormationClient cloudFormation, String stack) {
    return describe(cloudFormation, stack).outputs().stream()
        .collect(
            Collectors.toMap(o -> o.outputKey(), o -> o.outputValue(), (a, b) -> a, TreeMap::new));
  }

  private static Stack describe(CloudFormationClient cloudFormation, String stack) {
    List<Stack> stacks = cloudFormation.describeStacks(b -> b.stackName(stack)).stacks();
    return stacks.get(0);
  }

  private static Parameter parameter(String key, String value) {
    return Parameter.builder().parameterKey(key).parameterValue(value).build();
  }
}
