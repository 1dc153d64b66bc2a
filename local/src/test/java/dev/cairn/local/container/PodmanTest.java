package dev.cairn.local.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line of a container release: the releases' isolation, the release's label, variables
 * by name only (their values never on a command line, which {@code ps} shows to every user), and
 * limits the runtime may set. Runs without Podman; the containers themselves run in the cli's
 * {@code ContainerReleaseTest}.
 */
class PodmanTest {
  @Test
  void aReleaseRunsIsolatedLabelledAndWithItsVariablesByNameOnly() {
    List<String> argv =
        Podman.fromPath()
            .runCommand(
                "cairn-abc",
                List.of(Podman.RELEASE_LABEL + "=abc"),
                List.of("DATABASE_PASSWORD", "PORT"),
                "0123",
                "exec ./serve");

    assertThat(argv)
        .contains(
            "run",
            "--rm",
            "--network=host",
            "--cap-drop=ALL",
            "--security-opt=no-new-privileges",
            "--pids-limit=" + Podman.PIDS_LIMIT,
            "--read-only",
            "--log-driver=passthrough",
            "--pull=never")
        .containsSequence("--label", "cairn.release=abc")
        .containsSequence("-e", "DATABASE_PASSWORD")
        .containsSequence("-e", "PORT")
        .containsSequence("--entrypoint", "/bin/sh", "0123", "-c", "exec ./serve")
        .noneMatch(a -> a.contains("DATABASE_PASSWORD="))
        .noneMatch(a -> a.startsWith("--env-file"))
        .noneMatch(a -> a.startsWith("-v") || a.startsWith("--volume") || a.startsWith("--mount"));
  }

  @Test
  void withoutAStartCommandTheImagesOwnRunsLast() {
    List<String> argv = Podman.fromPath().runCommand("n", List.of(), List.of(), "0123", null);

    assertThat(argv.getLast()).isEqualTo("0123");
    assertThat(argv).doesNotContain("--entrypoint");
  }

  @Test
  void limitsStayWithinWhatTheRuntimeMaySet() {
    assertThat(Podman.ulimits())
        .allSatisfy(
            limit -> {
              assertThat(limit).matches("(nofile|nproc)=(\\d+):\\2");
              long value =
                  Long.parseLong(limit.substring(limit.indexOf('=') + 1, limit.indexOf(':')));
              assertThat(value)
                  .isLessThanOrEqualTo(
                      limit.startsWith("nproc") ? Podman.MAX_NPROC : Podman.MAX_NOFILE);
            });
  }

  @Test
  void imageIdsAreNormalisedAndAnythingElseIsRefused() {
    String hex = "a".repeat(64);
    assertThat(PodmanImages.normalise(hex)).contains("sha256:" + hex);
    assertThat(PodmanImages.normalise("sha256:" + hex)).contains("sha256:" + hex);
    assertThat(PodmanImages.normalise("--all")).isEmpty();
    assertThat(PodmanImages.normalise("ubuntu:latest")).isEmpty();
  }
}
