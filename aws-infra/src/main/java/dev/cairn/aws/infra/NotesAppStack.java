package dev.cairn.aws.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedFargateService;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedTaskImageOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.constructs.Construct;

/**
 * The notes example on AWS: the service on ECS Fargate behind an application load balancer,
 * PostgreSQL on RDS with its credentials in Secrets Manager, and the ECS deployment circuit breaker
 * that rolls a failing deployment back by itself.
 *
 * <p>The image is a parameter ({@value #IMAGE_TAG} in the {@value #IMAGE_REPOSITORY} ECR
 * repository): Cairn's {@code apply} job deploys a release by creating and executing a
 * CloudFormation change set of this template with the release's image tag and commit; rollback does
 * the same with the last good commit's.
 */
public final class NotesAppStack extends Stack {
  /** The parameter naming the ECR repository of the application image. */
  public static final String IMAGE_REPOSITORY = "ImageRepository";

  /** The parameter naming the image tag: the artifact of the release. */
  public static final String IMAGE_TAG = "ImageTag";

  /** The parameter carrying the commit the release was built from. */
  public static final String COMMIT = "Commit";

  private final ApplicationLoadBalancedFargateService service;
  private final DatabaseInstance database;

  /** Defines the stack. */
  public NotesAppStack(Construct scope, String id, StackProps props) {
    super(scope, id, props);
    CfnParameter repositoryName =
        CfnParameter.Builder.create(this, IMAGE_REPOSITORY)
            .type("String")
            .defaultValue("cairn/notes")
            .description(
                "The ECR repository of the notes image (the pipeline stack's <prefix>/<name>)")
            .build();
    CfnParameter imageTag =
        CfnParameter.Builder.create(this, IMAGE_TAG)
            .type("String")
            .description("The image tag of the release to run (set by Cairn's apply job)")
            .build();
    CfnParameter commit =
        CfnParameter.Builder.create(this, COMMIT)
            .type("String")
            .defaultValue("unknown")
            .description("The commit of the release (shown by the service's /version)")
            .build();

    LogGroup flowLogs =
        LogGroup.Builder.create(this, "FlowLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Vpc vpc =
        Vpc.Builder.create(this, "Vpc")
            .maxAzs(2)
            // Tasks pull their image through the internet gateway: no NAT gateway to pay for.
            .natGateways(0)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
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

    Cluster cluster =
        Cluster.Builder.create(this, "Cluster")
            .vpc(vpc)
            .containerInsightsV2(ContainerInsights.ENABLED)
            .build();
    LogGroup appLogs =
        LogGroup.Builder.create(this, "AppLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    var secret = database.getSecret();
    service =
        ApplicationLoadBalancedFargateService.Builder.create(this, "Service")
            .cluster(cluster)
            .cpu(512)
            .memoryLimitMiB(1024)
            .desiredCount(2)
            .publicLoadBalancer(true)
            .assignPublicIp(true)
            .taskSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            .minHealthyPercent(100)
            .maxHealthyPercent(200)
            .healthCheckGracePeriod(Duration.seconds(60))
            .taskImageOptions(
                ApplicationLoadBalancedTaskImageOptions.builder()
                    .image(
                        ContainerImage.fromEcrRepository(
                            Repository.fromRepositoryName(
                                this, "ImageRepositoryRef", repositoryName.getValueAsString()),
                            imageTag.getValueAsString()))
                    .containerPort(8080)
                    .environment(
                        Map.of(
                            "PORT",
                            "8080",
                            "CAIRN_COMMIT",
                            commit.getValueAsString(),
                            "DATABASE_URL",
                            "jdbc:postgresql://"
                                + database.getDbInstanceEndpointAddress()
                                + ":"
                                + database.getDbInstanceEndpointPort()
                                + "/notes"))
                    .secrets(
                        Map.of(
                            "DATABASE_USER",
                            software.amazon.awscdk.services.ecs.Secret.fromSecretsManager(
                                secret, "username"),
                            "DATABASE_PASSWORD",
                            software.amazon.awscdk.services.ecs.Secret.fromSecretsManager(
                                secret, "password")))
                    .logDriver(
                        LogDriver.awsLogs(
                            AwsLogDriverProps.builder()
                                .logGroup(appLogs)
                                .streamPrefix("notes")
                                .build()))
                    .build())
            .build();
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
    database.getConnections().allowDefaultPortFrom(service.getService(), "notes tasks");

    CfnOutput.Builder.create(this, "Url")
        .description("The notes service")
        .value("http://" + service.getLoadBalancer().getLoadBalancerDnsName())
        .build();

    suppressions();
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
        "The default port is reachable only from the service's security group.");
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
    Nag.suppress(
        service.getTaskDefinition(),
        "AwsSolutions-ECS2",
        "The plain variables are not secrets (port, commit, database URL); the database user and"
            + " password come from Secrets Manager.");
    Nag.suppressIam5(
        service.getTaskDefinition(),
        "ecr:GetAuthorizationToken has no resource-level permissions (AWS design).",
        "^Resource::\\*$");
  }

  /** The load-balanced service. */
  public ApplicationLoadBalancedFargateService service() {
    return service;
  }

  /** The database. */
  public DatabaseInstance database() {
    return database;
  }
}
