package dev.cairn.aws.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.StackProps;

/**
 * The notes example's CloudFormation template, synthesized from {@link NotesAppStack} in an app of
 * its own: the file the example's repository carries as {@code cairn.stack.json} and Cairn's {@code
 * apply} job deploys (it is not one of the stacks {@code cairn aws deploy} deploys). The copy
 * committed in {@value #EXAMPLE_FILE} must equal this synth; {@value #REGENERATE} rewrites it.
 */
public final class NotesTemplate {
  /** Where the example carries its template, relative to Cairn's repository root. */
  public static final String EXAMPLE_FILE = "examples/notes-container/cairn.stack.json";

  /** The command (run in Cairn's repository root) that rewrites {@value #EXAMPLE_FILE}. */
  public static final String REGENERATE = "./cairn aws notes-template --out " + EXAMPLE_FILE;

  /** The stack's id in its app (it appears in no resource name). */
  static final String STACK_ID = "NotesApp";

  private final NotesAppStack stack;
  private final String json;
  private final List<String> findings;

  private NotesTemplate(NotesAppStack stack, String json, List<String> findings) {
    this.stack = stack;
    this.json = json;
    this.findings = findings;
  }

  /**
   * Synthesizes the template into {@code outDir} (a CDK cloud assembly).
   *
   * @param imageRepository the name of the ECR repository the tasks pull from
   */
  public static NotesTemplate synth(String imageRepository, Path outDir) {
    Map<String, Object> context = new HashMap<>(CairnAwsApp.FEATURE_FLAGS);
    // The file lives in the example's repository: no CDK paths or version report in it, only what
    // CloudFormation needs (and cdk-nag's suppressions with their reasons).
    context.put("aws:cdk:enable-path-metadata", false);
    context.put("aws:cdk:version-reporting", false);
    App app = new App(AppProps.builder().outdir(outDir.toString()).context(context).build());
    NotesAppStack stack =
        new NotesAppStack(
            app,
            STACK_ID,
            StackProps.builder()
                .description("The notes example on ECS Fargate and RDS, deployed by Cairn")
                // Deployed by Cairn's apply job as a plain CloudFormation change set, not by the
                // CDK CLI: no rule that requires the CDK bootstrap stack's version parameter.
                .synthesizer(
                    DefaultStackSynthesizer.Builder.create()
                        .generateBootstrapVersionRule(false)
                        .build())
                .build(),
            imageRepository);
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    var assembly = app.synth();
    try {
      String json = Files.readString(outDir.resolve(stack.getTemplateFile()));
      return new NotesTemplate(stack, json, CairnAwsApp.findings(assembly));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stack (for assertions). */
  public NotesAppStack stack() {
    return stack;
  }

  /** The template, as the CDK wrote it. */
  public String json() {
    return json;
  }

  /** cdk-nag's unsuppressed findings (and any other error or warning), one line each. */
  public List<String> findings() {
    return findings;
  }
}
