package dev.cairn.pipeline.file;

import java.util.Objects;

/**
 * An environment's {@code aws} section: how it runs on AWS. The local runtime ignores it.
 *
 * @param template the path, in the application repository, of the CloudFormation template the
 *     environment's stack ({@code <CAIRN_STACK_PREFIX><environment>}) is deployed from
 */
public record AwsSpec(String template) {
  /** The template when the file names none. */
  public static final String DEFAULT_TEMPLATE = "cairn.stack.json";

  /** The section of an environment that has none. */
  public static final AwsSpec DEFAULTS = new AwsSpec(DEFAULT_TEMPLATE);

  /** Requires the template. */
  public AwsSpec {
    Objects.requireNonNull(template, "template");
  }
}
