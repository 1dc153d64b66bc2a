package dev.cairn.aws.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

/**
 * The CDK app: the images stack and the pipeline stack, checked by cdk-nag's AwsSolutions rules.
 * (The notes example's application stack is not one of them: the example's repository carries its
 * template, which Cairn's apply job deploys; see {@link NotesTemplate}.) {@code cairn aws synth}
 * runs it in-process; the CDK CLI runs {@link #main} (or, as {@code cairn aws deploy} does, deploys
 * the synthesized directory).
 */
public final class CairnAwsApp {
  /** The environment variable naming the configuration file when the CDK CLI runs {@link #main}. */
  public static final String CONFIG_VARIABLE = "CAIRN_AWS_CONFIG";

  /**
   * CDK feature flags the app opts into (a {@code cdk.json} would hold them; the app is built in
   * code): server access logs are granted by bucket policy, not by the legacy ACL.
   */
  static final Map<String, Object> FEATURE_FLAGS =
      Map.of("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

  private final App app;
  private final ImagesStack images;
  private final PipelineStack pipeline;

  private CairnAwsApp(App app, CairnAwsConfig config) {
    this.app = app;
    StackProps props =
        StackProps.builder().description("Cairn: GitOps deployment pipeline on AWS").build();
    images = new ImagesStack(app, config.imagesStackName(), props, config);
    pipeline = new PipelineStack(app, config.pipelineStackName(), props, config, images);
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
  }

  /**
   * Builds the app, writing the cloud assembly to {@code outDir} when it is synthesized.
   *
   * @throws AwsConfigException if a repository's pipeline file is missing or invalid
   */
  public static CairnAwsApp create(CairnAwsConfig config, Path outDir) {
    App app = new App(AppProps.builder().outdir(outDir.toString()).context(FEATURE_FLAGS).build());
    return new CairnAwsApp(app, config);
  }

  /** Builds the app in the CDK CLI's output directory (the CLI sets it). */
  public static CairnAwsApp create(CairnAwsConfig config) {
    return new CairnAwsApp(new App(AppProps.builder().context(FEATURE_FLAGS).build()), config);
  }

  /**
   * Synthesizes the CloudFormation templates ({@code <stack>.template.json}) into the app's output
   * directory.
   */
  public CloudAssembly synth() {
    return app.synth();
  }

  /**
   * The cdk-nag findings (and any other error or warning) of the synthesized stacks, one line each:
   * {@code LEVEL path: message}. Empty when every rule passes or is suppressed with a reason.
   */
  public List<String> findings() {
    return findings(app.synth());
  }

  /** The findings of a synthesized assembly: {@code LEVEL path: message}, one line each. */
  static List<String> findings(CloudAssembly assembly) {
    List<String> findings = new ArrayList<>();
    for (CloudFormationStackArtifact stack : assembly.getStacks()) {
      for (SynthesisMessage message : stack.getMessages()) {
        if (message.getLevel() == SynthesisMessageLevel.INFO) {
          continue;
        }
        findings.add(
            message.getLevel()
                + " "
                + message.getId()
                + ": "
                + String.valueOf(message.getEntry().getData()).lines().findFirst().orElse(""));
      }
    }
    return findings;
  }

  /** The template files of the stacks, in deployment order (written by {@link #synth()}). */
  public List<Path> templates() {
    Path outDir = Path.of(app.getOutdir());
    List<Path> templates = new ArrayList<>();
    for (software.amazon.awscdk.Stack stack : stacks()) {
      templates.add(outDir.resolve(stack.getTemplateFile()));
    }
    return templates;
  }

  /** The CDK app. */
  public App app() {
    return app;
  }

  /** The images stack (ECR, CodeBuild). */
  public ImagesStack images() {
    return images;
  }

  /** The pipeline stack. */
  public PipelineStack pipeline() {
    return pipeline;
  }

  /** The stacks, in deployment order. */
  public List<software.amazon.awscdk.Stack> stacks() {
    return List.of(images, pipeline);
  }

  /** Entry point for the CDK CLI: reads the configuration named by {@value #CONFIG_VARIABLE}. */
  public static void main(String[] args) {
    String file = System.getenv().getOrDefault(CONFIG_VARIABLE, "cairn-aws.yml");
    try {
      create(CairnAwsConfig.read(Path.of(file))).synth();
    } catch (AwsConfigException e) {
      // A configuration mistake is the user's to fix: its message, not a stack trace.
      System.err.println("cairn: " + e.getMessage());
      System.exit(2);
    }
  }
}
