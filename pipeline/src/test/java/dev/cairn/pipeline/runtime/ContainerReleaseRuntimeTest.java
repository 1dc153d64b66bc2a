package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.port.ContainerImages;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline whose releases are images ({@code build.image}) on a machine or driver that cannot run
 * them fails its run at once, before any build step, with why: never a stack trace, never a
 * half-built release. (The container releases themselves run end to end on Podman in the cli's
 * {@code ContainerReleaseTest}.)
 */
class ContainerReleaseRuntimeTest {
  private static final String IMAGE_PIPELINE =
      """
      name: app
      build:
        steps:
          - run: write app.txt v1
        image: {file: Containerfile}
      environments:
        - name: production
          app: {port: 8080}
          health: {path: /health}
      """;

  @TempDir Path work;

  @Test
  void aDriverWithoutAContainerRuntimeRefusesAnImageReleaseSayingWhy() {
    RuntimeFixture fixture = new RuntimeFixture(work);
    String run = fixture.submit(fixture.commit(IMAGE_PIPELINE), RunFacts.Trigger.PUSH, null);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.INVALID_PIPELINE);
              assertThat(f.cause())
                  .startsWith("build.image: releases are container images")
                  .contains("on AWS a runner given CAIRN_IMAGE_PROJECT");
            });
    assertThat(fixture.runs.get(run).buildFailure().error()).isEqualTo("Cairn.InvalidPipeline");
  }

  @Test
  void aMachineWithoutPodmanFailsTheRunWithTheReasonBeforeAnyStep() {
    RuntimeFixture fixture = new RuntimeFixture(work, new Unavailable());
    String run = fixture.submit(fixture.commit(IMAGE_PIPELINE), RunFacts.Trigger.PUSH, null);

    assertThatThrownBy(() -> fixture.runtime.build(run))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f ->
                assertThat(f.cause())
                    .isEqualTo(
                        "build.image: releases are container images, and this machine cannot"
                            + " build or run them: Podman is not installed"));
    assertThat(fixture.kinds()).doesNotContain("build-output");
  }

  @Test
  void aWorkspaceWithoutTheContainerfileFailsTheBuildNamingIt() {
    RuntimeFixture fixture = new RuntimeFixture(work, new Unavailable(null));
    String named = fixture.submit(fixture.commit(IMAGE_PIPELINE), RunFacts.Trigger.PUSH, null);
    String defaults =
        fixture.submit(
            fixture.commit(IMAGE_PIPELINE.replace("{file: Containerfile}", "{context: .}")),
            RunFacts.Trigger.PUSH,
            null);

    assertThatThrownBy(() -> fixture.runtime.build(named))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(CairnError.BUILD_FAILED);
              assertThat(f.cause())
                  .isEqualTo("build.image.file: the workspace has no Containerfile");
            });
    assertThatThrownBy(() -> fixture.runtime.build(defaults))
        .isInstanceOfSatisfying(
            StepFailure.class,
            f ->
                assertThat(f.cause())
                    .isEqualTo(
                        "build.image: the workspace has no Containerfile or Dockerfile in ."
                            + " (build.image.file names another file)"));
  }

  /** A container runtime that is not installed ({@code reason}), or one that builds nothing. */
  private record Unavailable(String reason) implements ContainerImages {
    Unavailable() {
      this("Podman is not installed");
    }

    @Override
    public Optional<String> unavailable() {
      return Optional.ofNullable(reason);
    }

    @Override
    public Built build(ImageBuild build, JobOutput output) {
      throw new AssertionError("nothing is built without a runtime");
    }

    @Override
    public Optional<String> forTree(String tree) {
      return Optional.empty();
    }

    @Override
    public boolean exists(String imageId) {
      throw new AssertionError("nothing is looked up without a runtime");
    }

    @Override
    public JobResult run(OneOff run, JobOutput output) {
      throw new AssertionError("nothing runs without a runtime");
    }
  }
}
