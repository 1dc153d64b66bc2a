package dev.cairn.local.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cgroup v2: this machine mounts v1, so the unified hierarchy is a directory tree with the files
 * the kernel would show; the test checks what Cairn writes there and reads back.
 */
class CgroupsUnifiedTest {
  @TempDir Path root;

  private Cgroups cgroups() {
    return new Cgroups(
        root,
        LocalJobExecutor.Options.builder(root.resolve("logs"))
            .memoryBytes(64L * 1024 * 1024)
            .cpus(0.5)
            .maxProcesses(64)
            .build());
  }

  @Test
  void aUnifiedHierarchyGetsOneGroupWithMemoryCpuAndProcessLimits() throws Exception {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
    Cgroups cgroups = cgroups();
    assertThat(cgroups.unified()).isTrue();
    assertThat(cgroups.probe()).isEmpty();

    Cgroups.Group group = cgroups.create("build-0-1");

    Path dir = root.resolve("cairn/build-0-1");
    assertThat(root.resolve("cgroup.subtree_control")).hasContent("+memory +cpu +pids");
    assertThat(root.resolve("cairn/cgroup.subtree_control")).hasContent("+memory +cpu +pids");
    assertThat(dir.resolve("memory.max")).hasContent("67108864");
    assertThat(dir.resolve("cpu.max")).hasContent("50000 100000");
    assertThat(dir.resolve("pids.max")).hasContent("64");
    assertThat(group.procsFiles()).containsExactly(dir.resolve("cgroup.procs"));
    assertThat(group.hitMemoryLimit()).isFalse();
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    assertThat(group.hitMemoryLimit()).isTrue();
  }

  @Test
  void aUnifiedHierarchyWithoutTheControllersIsReported() throws Exception {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset io\n");
    assertThat(cgroups().probe()).hasValueSatisfying(p -> assertThat(p).contains("memory"));
  }
}
