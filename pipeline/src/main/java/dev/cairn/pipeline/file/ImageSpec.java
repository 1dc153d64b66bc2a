package dev.cairn.pipeline.file;

/**
 * The {@code build.image} section: the release is a container image built from the build's
 * workspace once the build steps succeeded.
 *
 * @param file the Containerfile or Dockerfile, relative to the workspace; null means {@code
 *     Containerfile}, else {@code Dockerfile}, in the context directory
 * @param context the build context, a directory relative to the workspace ({@code .} by default)
 */
public record ImageSpec(String file, String context) {
  /** The context when none is given: the whole workspace. */
  public static final String DEFAULT_CONTEXT = ".";

  public ImageSpec {
    context = context == null ? DEFAULT_CONTEXT : context;
  }
}
