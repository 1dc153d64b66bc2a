package dev.cairn.pipeline.port;

import dev.cairn.pipeline.file.StepSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the application's container images and runs one-off containers of them (migrations), for
 * pipelines whose releases are images ({@code build.image}). Locally: Podman (see {@code
 * docs/containers.md}); the releases themselves run through the {@link Deployer}, which gets the
 * image in its {@link ReleaseSpec}.
 */
public interface ContainerImages {
  /**
   * Why this machine cannot build or run images (no OCI runtime installed, say), for the failure of
   * a run whose pipeline asks for one; empty when it can.
   */
  Optional<String> unavailable();

  /**
   * Builds an image from a build's workspace and tags it.
   *
   * @param build what to build
   * @param output receives every line the builder prints, secrets masked
   * @return the outcome, with the image's id when it succeeded
   */
  Built build(ImageBuild build, JobOutput output);

  /**
   * The image an identical git tree built, if it is still in the runtime's storage (the images are
   * labelled with their tree, {@link ImageBuild#tree}).
   */
  Optional<String> forTree(String tree);

  /** True when the image (an id from {@link #build}) is still in the runtime's storage. */
  boolean exists(String imageId);

  /**
   * Runs one command in a one-off container of the image, with the release's environment and the
   * releases' isolation, and removes the container afterwards.
   *
   * @param output receives every line the command prints, secrets masked
   * @return how it ended (never exceptionally for a failing command)
   */
  JobResult run(OneOff run, JobOutput output);

  /**
   * An image to build.
   *
   * @param id unique id (the run's), for logs
   * @param context the build context directory
   * @param file the Containerfile or Dockerfile
   * @param tag the tag to give it, e.g. {@code localhost/cairn-notes:<commit>}
   * @param tree the git tree it is built from (a label of the image), or null
   * @param network whether the build may use the network
   * @param timeout the time limit
   * @param masked values to replace by {@code ***} in the output
   */
  record ImageBuild(
      String id,
      Path context,
      Path file,
      String tag,
      String tree,
      boolean network,
      Duration timeout,
      Set<String> masked) {
    public ImageBuild {
      masked = Set.copyOf(masked);
    }
  }

  /**
   * A built image, or why not.
   *
   * @param result how the build ended (its log, its message)
   * @param imageId the image's id ({@code sha256:<hex>}) when it succeeded, else null
   */
  record Built(JobResult result, String imageId) {}

  /**
   * A one-off container.
   *
   * @param id unique id, for logs and the container's name
   * @param imageId the image
   * @param step the command ({@code /bin/sh -c}), its name and time limit
   * @param env environment variables, secrets resolved (never put on a command line)
   * @param timeout the time limit
   * @param masked values to replace by {@code ***} in the output
   */
  record OneOff(
      String id,
      String imageId,
      StepSpec step,
      Map<String, String> env,
      Duration timeout,
      Set<String> masked) {
    public OneOff {
      env = Map.copyOf(env);
      masked = Set.copyOf(masked);
    }

    @Override
    public String toString() {
      return "OneOff[" + id + ", " + imageId + "]";
    }
  }
}
