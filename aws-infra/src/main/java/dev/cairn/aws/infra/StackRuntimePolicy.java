package dev.cairn.aws.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * What the privileged runner needs, beyond deploying the stacks, for the environments' stacks
 * (docs/aws.md, "Deploying the application"): the migration as an ECS task, its log, and the bake's
 * target health and alarms. The resources are the application's stacks' own: CloudFormation names
 * what a template does not name {@code <stack>-<logical id>-<suffix>}, and the stacks are {@code
 * <repository>-<environment>}, so {@code <repository>-*} covers them and nothing of Cairn's.
 */
final class StackRuntimePolicy {
  private StackRuntimePolicy() {}

  /** Grants the job role of {@code repository} the stack runtime's calls. */
  static void grant(PipelineStack stack, IRole jobRole, String repository) {
    String stacks = repository + "-*";
    String cluster = arn(stack, "ecs", "cluster", stacks, ArnFormat.SLASH_RESOURCE_NAME);
    // RunTask's resource is the task definition (its family is the template's to choose); the
    // cluster condition keeps the tasks in the application's own clusters.
    jobRole.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("ecs:RunTask"))
            .resources(
                List.of(arn(stack, "ecs", "task-definition", "*", ArnFormat.SLASH_RESOURCE_NAME)))
            .conditions(Map.of("ArnLike", Map.of("ecs:cluster", cluster)))
            .build());
    // Task ARNs name their cluster (the long ARN format): task/<cluster>/<id>.
    PipelineStack.allowIn(
        jobRole,
        List.of("ecs:DescribeTasks", "ecs:StopTask"),
        arn(stack, "ecs", "task", stacks + "/*", ArnFormat.SLASH_RESOURCE_NAME));
    // The tasks' roles (task role, execution role) are the stacks' own, passed to ECS only.
    jobRole.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("iam:PassRole"))
            .resources(
                List.of(
                    stack.formatArn(
                        ArnComponents.builder()
                            .service("iam")
                            .region("")
                            .resource("role")
                            .resourceName(stacks)
                            .build())))
            .conditions(
                Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")))
            .build());
    // The migration's output, read back from the log group its task definition names.
    PipelineStack.allowIn(
        jobRole,
        List.of("logs:GetLogEvents"),
        arn(stack, "logs", "log-group", stacks + ":log-stream:*", ArnFormat.COLON_RESOURCE_NAME));
    // The bake: the stacks' alarms (DescribeTargetHealth and DescribeTaskDefinition have no
    // resource-level permissions).
    PipelineStack.allowIn(
        jobRole,
        List.of("cloudwatch:DescribeAlarms"),
        arn(stack, "cloudwatch", "alarm", stacks, ArnFormat.COLON_RESOURCE_NAME));
    jobRole.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of("elasticloadbalancing:DescribeTargetHealth", "ecs:DescribeTaskDefinition"))
            .resources(List.of("*"))
            .build());
    Nag.suppressIam5(
        jobRole,
        "The migration task and the bake touch only the application's own stacks' resources,"
            + " whose names CloudFormation generates as <stack>-<logical id>-<suffix> with the"
            + " stacks named <repository>-<environment>: their clusters' tasks, roles (passed to"
            + " ECS tasks only), log groups and alarms. RunTask's task definition is the"
            + " template's to name; a condition on ecs:cluster keeps it in those clusters."
            + " elasticloadbalancing:DescribeTargetHealth and ecs:DescribeTaskDefinition have no"
            + " resource-level permissions (IamPolicyTest lists them).",
        "^Resource::\\*$",
        "^Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:"
            + "(task-definition/\\*|task/[a-z][a-z0-9-]*-\\*/\\*)$",
        "^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/[a-z][a-z0-9-]*-\\*$",
        "^Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:"
            + "log-group:[a-z][a-z0-9-]*-\\*:log-stream:\\*$",
        "^Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:"
            + "alarm:[a-z][a-z0-9-]*-\\*$");
  }

  private static String arn(
      PipelineStack stack, String service, String resource, String name, ArnFormat format) {
    return stack.formatArn(
        ArnComponents.builder()
            .service(service)
            .resource(resource)
            .resourceName(name)
            .arnFormat(format)
            .build());
  }
}
