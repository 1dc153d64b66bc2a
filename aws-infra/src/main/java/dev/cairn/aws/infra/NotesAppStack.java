package dev.cairn.aws.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CfnService;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.ecs.TaskDefinition;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedFargateService;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedTaskImageOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.constructs.Construct;

/**
 * The notes example on AWS, as the template Cairn deploys from the application's repository ({@code
 * cairn.stack.json}, see {@link NotesTemplate}): the service on ECS Fargate behind an application
 * load balancer, PostgreSQL on RDS with its credentials in Secrets Manager, a migration task
 * definition, a 5xx alarm, and the ECS deployment circuit breaker.
 *
 * <p>It follows the contract between Cairn's runtime and an application's stack (docs/aws.md): the
 * parameters {@value #COMMIT}, {@value #ARTIFACT}, {@value #IMAGE} and {@value #MIGRATION_IMAGE}
 * that {@code apply} and {@code rollback} pass, and the outputs {@code Cairn*} that tell the runner
 * where to run the migration and what to watch during the bake.
 */
public final class NotesAppStack extends Stack {
  /** The parameter carrying the commit of the release. */
  public static final String COMMIT = "CairnCommit";

  /** The parameter carrying the release's artifact ({@code image:sha256:<hex>}). */
  public static final String ARTIFACT = "CairnArtifact";

  /** The parameter naming the image the service runs, {@code <repository>@sha256:<hex>}. */
  public static final String IMAGE = "CairnImage";

  /** The parameter naming the image the migration task definition runs. */
  public static final String MIGRATION_IMAGE = "CairnMigrationImage";

  /** The condition "an image is given": without one the service runs no task. */
  public static final String HAS_IMAGE = "HasImage";

  /** The condition "a migration image is given". */
  public static final String HAS_MIGRATION_IMAGE = "HasMigrationImage";

  /** The ECR repository of the notes images for the example configuration (prefix cairn). */
  public static final String DEFAULT_IMAGE_REPOSITORY = "cairn/notes";

  /**
   * The name of the migration task definition's container (output {@code CairnMigrationContainer}).
   */
  public static final String MIGRATION_CONTAINER = "migrate";

  /** The service's task count once it has an image. */
  public static final int TASKS = 2;

  /**
   * What a task definition names while its image parameter is empty. ECS refuses an empty image;
   * this one is never pulled: the service then runs no task and the migration is not run.
   */
  static final String NO_IMAGE = "cairn-no-image-yet";

  /** A digest reference, or empty: a moving tag would make a rollback run other code. */
  static final String IMAGE_PATTERN = "^$|^[^@\\s]+@sha256:[0-9a-f]{64}$";

  private static final int PORT = 8080;

  private final ApplicationLoadBalancedFargateService service;
  private final DatabaseInstance database;
  private final FargateTaskDefinition migration;
  private final Alarm target5xx;

  /**
   * Defines the stack.
   *
   * @param imageRepository the ECR repository the images come from (its name, e.g. {@value
   *     #DEFAULT_IMAGE_REPOSITORY}): the only repository the tasks may pull from
   */
  public NotesAppStack(Construct scope, String id, StackProps props, String imageRepository) {
    super(scope, id, props);
    CfnParameter commit =
        parameter(
            COMMIT,
            "unknown",
            "The commit of the release (the migration's CAIRN_COMMIT; the service's image carries"
                + " its own)");
    CfnParameter artifact =
        parameter(ARTIFACT, "", "The release's artifact as Cairn records it (image:sha256:...)");
    CfnParameter image =
        parameter(
            IMAGE,
            "",
            "The image the service runs, <repository>@sha256:<digest>; empty: no task runs");
    image.setAllowedPattern(IMAGE_PATTERN);
    image.setConstraintDescription("an image reference by digest (<repository>@sha256:<hex>)");
    CfnParameter migrationImage =
        parameter(
            MIGRATION_IMAGE,
            "",
            "The image the migration task definition runs, <repository>@sha256:<digest>");
    migrationImage.setAllowedPattern(IMAGE_PATTERN);
    migrationImage.setConstraintDescription(image.getConstraintDescription());
    CfnCondition.Builder.create(this, HAS_IMAGE)
        .expression(Fn.conditionNot(Fn.conditionEquals(image.getValueAsString(), "")))
        .build();
    CfnCondition.Builder.create(this, HAS_MIGRATION_IMAGE)
        .expression(Fn.conditionNot(Fn.conditionEquals(migrationImage.getValueAsString(), "")))
        .build();

    Vpc vpc = vpc();
    database =
        DatabaseInstance.Builder.create(this, "Database")
            .engine(
                DatabaseInstanceEngine.postgres(
                    PostgresInstanceEngineProps.builder()
                        .version(PostgresEngineVersion.VER_17_6)
                        .build()))
            .instanceType(InstanceType.of(InstanceClass.T4G, InstanceSize.MICRO))
            .vpc(vpc)
            .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
            .credentials(Credentials.fromGeneratedSecret("notes"))
            .databaseName("notes")
            .storageEncrypted(true)
            .allocatedStorage(20)
            .backupRetention(Duration.days(7))
            .deletionProtection(true)
            .multiAz(false)
            .removalPolicy(RemovalPolicy.SNAPSHOT)
            .build();
    // One group for the service's tasks and the migration task: the one the database admits.
    SecurityGroup tasks =
        SecurityGroup.Builder.create(this, "Tasks")
            .vpc(vpc)
            .description("The notes tasks (service and migration): may reach the database")
            .allowAllOutbound(true)
            .build();
    database.getConnections().allowDefaultPortFrom(tasks, "notes tasks");

    Cluster cluster =
        Cluster.Builder.create(this, "Cluster")
            .vpc(vpc)
            .containerInsightsV2(ContainerInsights.ENABLED)
            .build();
    SubnetSelection taskSubnets =
        SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PORT", String.valueOf(PORT));
    environment.put(
        "DATABASE_URL",
        "jdbc:postgresql://"
            + database.getDbInstanceEndpointAddress()
            + ":"
            + database.getDbInstanceEndpointPort()
            + "/notes");
    // The commit and artifact go to the migration only. Cairn deploys a migration with the new
    // release's commit while the service still runs the live image: were they in the service's
    // environment, that deployment would restart the live release under the new commit's name.
    // The service's /version shows the commit baked into the image by its build.
    Map<String, String> migrationEnvironment = new LinkedHashMap<>(environment);
    migrationEnvironment.put("CAIRN_COMMIT", commit.getValueAsString());
    migrationEnvironment.put("CAIRN_ARTIFACT", artifact.getValueAsString());
    var secret = database.getSecret();
    // valueFrom: ECS reads them from Secrets Manager when a task starts; no value is in the
    // template, the task definition or a RunTask override.
    // In a fixed order: the template is a committed file, and Map.of's order changes between runs.
    Map<String, Secret> secrets = new TreeMap<>();
    secrets.put("DATABASE_USER", Secret.fromSecretsManager(secret, "username"));
    secrets.put("DATABASE_PASSWORD", Secret.fromSecretsManager(secret, "password"));

    service =
        ApplicationLoadBalancedFargateService.Builder.create(this, "Service")
            .cluster(cluster)
            .cpu(512)
            .memoryLimitMiB(1024)
            .desiredCount(TASKS)
            .publicLoadBalancer(true)
            .taskSubnets(taskSubnets)
            .securityGroups(List.of(tasks))
            .assignPublicIp(false)
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            .minHealthyPercent(100)
            .maxHealthyPercent(200)
            .healthCheckGracePeriod(Duration.seconds(60))
            .taskImageOptions(
                ApplicationLoadBalancedTaskImageOptions.builder()
                    .family(Aws.STACK_NAME + "-service")
                    .image(imageOrNone(HAS_IMAGE, image))
                    .containerPort(PORT)
                    .environment(environment)
                    .secrets(secrets)
                    .logDriver(awsLogs("service", "notes"))
                    .build())
            .build();
    // No image yet (the first deployment runs the migration before the service has a release):
    // the service exists with no task.
    ((CfnService) service.getService().getNode().getDefaultChild())
        .addPropertyOverride("DesiredCount", Fn.conditionIf(HAS_IMAGE, TASKS, 0));
    service
        .getTargetGroup()
        .configureHealthCheck(
            HealthCheck.builder()
                .path("/health")
                .healthyThresholdCount(2)
                .interval(Duration.seconds(10))
                .timeout(Duration.seconds(5))
                .build());
    service.getTargetGroup().setAttribute("deregistration_delay.timeout_seconds", "15");

    migration =
        FargateTaskDefinition.Builder.create(this, "Migration")
            // Named after the stack, as the service's: a role may be allowed to run the task
            // definitions of the stacks <repository>-* alone.
            .family(Aws.STACK_NAME + "-migration")
            .cpu(256)
            .memoryLimitMiB(512)
            .build();
    ContainerDefinition migrate =
        migration.addContainer(
            MIGRATION_CONTAINER,
            ContainerDefinitionOptions.builder()
                .containerName(MIGRATION_CONTAINER)
                .image(imageOrNone(HAS_MIGRATION_IMAGE, migrationImage))
                // Cairn overrides it with migrate.run; this is what a run by hand does.
                .command(List.of("java", "-jar", "/app/notes.jar", "migrate"))
                .environment(migrationEnvironment)
                .secrets(secrets)
                .logging(awsLogs("migration", "migrate"))
                .build());
    allowPull(service.getTaskDefinition(), imageRepository);
    allowPull(migration, imageRepository);

    target5xx = target5xxAlarm();

    // The pattern's own outputs repeat Url: the template's outputs are Url and the contract's.
    service.getNode().tryRemoveChild("LoadBalancerDNS");
    service.getNode().tryRemoveChild("ServiceURL");
    output(
        "Url", "The notes service", "http://" + service.getLoadBalancer().getLoadBalancerDnsName());
    output("CairnCluster", "The ECS cluster the migration runs in", cluster.getClusterArn());
    output(
        "CairnMigrationTaskDefinition",
        "The migration's task definition (its image: CairnMigrationImage)",
        migration.getTaskDefinitionArn());
    output(
        "CairnMigrationContainer",
        "The container of the migration task definition that runs migrate.run",
        migrate.getContainerName());
    output(
        "CairnSubnets",
        "The private subnets the tasks run in",
        Fn.join(",", vpc.selectSubnets(taskSubnets).getSubnetIds()));
    output(
        "CairnSecurityGroups",
        "The tasks' security group: it may reach the database",
        tasks.getSecurityGroupId());
    output(
        "CairnTargetGroup",
        "The service's target group: every target healthy during the bake",
        service.getTargetGroup().getTargetGroupArn());
    output(
        "CairnAlarms",
        "The alarms that fail the bake when in ALARM",
        Fn.join(",", List.of(target5xx.getAlarmName())));

    suppressions();
  }

  private CfnParameter parameter(String name, String defaultValue, String description) {
    return CfnParameter.Builder.create(this, name)
        .type("String")
        .defaultValue(defaultValue)
        .description(description)
        .build();
  }

  private void output(String name, String description, String value) {
    CfnOutput.Builder.create(this, name).description(description).value(value).build();
  }

  /** The image parameter, or {@link #NO_IMAGE} while it is empty. */
  private static ContainerImage imageOrNone(String condition, CfnParameter image) {
    return ContainerImage.fromRegistry(
        Token.asString(Fn.conditionIf(condition, image.getValueAsString(), NO_IMAGE)));
  }

  private Vpc vpc() {
    LogGroup flowLogs =
        LogGroup.Builder.create(this, "FlowLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Vpc vpc =
        Vpc.Builder.create(this, "Vpc")
            .maxAzs(2)
            // The tasks run in private subnets (no public address) and reach ECR, Secrets Manager
            // and CloudWatch Logs through one NAT gateway: cheaper than four interface endpoints
            // per zone.
            .natGateways(1)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(24)
                        .build(),
                    SubnetConfiguration.builder()
                        .name("tasks")
                        .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                        .cidrMask(24)
                        .build(),
                    SubnetConfiguration.builder()
                        .name("database")
                        .subnetType(SubnetType.PRIVATE_ISOLATED)
                        .cidrMask(24)
                        .build()))
            .restrictDefaultSecurityGroup(false)
            .flowLogs(
                Map.of(
                    "FlowLog",
                    FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .build()))
            .build();
    // ECR serves image layers from S3: through this (free) gateway endpoint a pull does not pay
    // the NAT gateway's charge per gigabyte.
    vpc.addGatewayEndpoint(
        "S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build());
    return vpc;
  }

  /**
   * An awslogs driver into the log group {@code <stack name>/<name>}: named after the stack so that
   * a role may be allowed to read the logs of the stacks {@code <repository>-*} alone.
   */
  private LogDriver awsLogs(String name, String streamPrefix) {
    LogGroup group =
        LogGroup.Builder.create(
                this, Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Logs")
            .logGroupName(Aws.STACK_NAME + "/" + name)
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return LogDriver.awsLogs(
        AwsLogDriverProps.builder().logGroup(group).streamPrefix(streamPrefix).build());
  }

  /**
   * Lets a task definition's execution role pull from the images' repository only. The images are
   * parameters (a reference by digest), so the CDK cannot grant this by itself.
   */
  private void allowPull(TaskDefinition task, String imageRepository) {
    task.addToExecutionRolePolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of(
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer"))
            .resources(
                List.of(
                    formatArn(
                        ArnComponents.builder()
                            .service("ecr")
                            .resource("repository")
                            .resourceName(imageRepository)
                            .build())))
            .build());
    task.addToExecutionRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("ecr:GetAuthorizationToken"))
            .resources(List.of("*"))
            .build());
  }

  /**
   * The alarm the bake watches: the service's own 5xx answers. One minute is the shortest period of
   * the load balancer's metrics; five errors in it is a bad release for this example, not a
   * client's stray request. No request at all is no evidence against the release.
   */
  private Alarm target5xxAlarm() {
    return Alarm.Builder.create(this, "Target5xx")
        .alarmName(Aws.STACK_NAME + "-target-5xx")
        .alarmDescription(
            "The notes tasks answered 5xx at least 5 times in a minute: Cairn rolls back a"
                + " release that does this during its bake")
        .metric(
            service
                .getTargetGroup()
                .getMetrics()
                .httpCodeTarget(
                    HttpCodeTarget.TARGET_5XX_COUNT,
                    MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build()))
        .threshold(5)
        .evaluationPeriods(1)
        .datapointsToAlarm(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
  }

  private void suppressions() {
    Nag.suppress(
        database,
        "AwsSolutions-SMG4",
        "The example rotates the database password by hand; automatic rotation needs a rotation"
            + " function with network access to the database (not part of this example).");
    Nag.suppress(
        database,
        "AwsSolutions-RDS3",
        "Single-AZ keeps the example cheap; set multiAz for production (docs/aws.md).");
    Nag.suppress(
        database,
        "AwsSolutions-RDS11",
        "The default port is reachable only from the tasks' security group.");
    Nag.suppress(
        service.getLoadBalancer(),
        "AwsSolutions-ELB2",
        "Access logs need the region's ELB account in the bucket policy, which an"
            + " environment-agnostic template cannot name; enable them in a region-bound copy.");
    Nag.suppress(
        service.getLoadBalancer(),
        "AwsSolutions-EC23",
        "A public web service: the load balancer listens on port 80 for everyone; the tasks and"
            + " the database accept traffic only from the load balancer and the tasks.");
    for (TaskDefinition task : List.of(service.getTaskDefinition(), migration)) {
      Nag.suppress(
          task,
          "AwsSolutions-ECS2",
          "The plain variables are not secrets (port, commit, artifact, database URL); the"
              + " database user and password come from Secrets Manager (valueFrom).");
      Nag.suppressIam5(
          task,
          "ecr:GetAuthorizationToken has no resource-level permissions (AWS design).",
          "^Resource::\\*$");
    }
  }

  /** The load-balanced service. */
  public ApplicationLoadBalancedFargateService service() {
    return service;
  }

  /** The database. */
  public DatabaseInstance database() {
    return database;
  }

  /** The migration task definition. */
  public FargateTaskDefinition migration() {
    return migration;
  }

  /** The alarm on the service's 5xx answers. */
  public Alarm target5xx() {
    return target5xx;
  }
}
