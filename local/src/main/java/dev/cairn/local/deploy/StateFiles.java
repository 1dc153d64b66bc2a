package dev.cairn.local.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.local.state.DurableFiles;
import dev.cairn.pipeline.file.EnvironmentNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The environments' {@code state.json} files under the deployer's root: read, written atomically (a
 * crash never leaves one half-written) and listed. The file side of {@link ProcessDeployer}.
 */
final class StateFiles {
  private final Path root;
  private final ObjectMapper json =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  StateFiles(Path root) {
    this.root = root;
  }

  /** The environment's state, empty when it has no file yet. */
  EnvironmentState load(String env) {
    Path file = envDir(env).resolve("state.json");
    if (!Files.exists(file)) {
      return EnvironmentState.empty(env);
    }
    try {
      return json.readValue(file.toFile(), EnvironmentState.class);
    } catch (IOException e) {
      throw new DeploymentException(
          "the state file " + file + " is unreadable (" + e.getMessage() + "); fix or remove it",
          e);
    }
  }

  void save(EnvironmentState state) {
    Path file = envDir(state.environment()).resolve("state.json");
    try {
      Files.createDirectories(file.getParent());
      DurableFiles.write(file, json.writeValueAsString(state));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + file + " (is the disk full?): " + e.getMessage(), e);
    }
  }

  /** The environments that have a state file. */
  List<String> environments() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("state.json")))
          .map(d -> d.getFileName().toString())
          .filter(EnvironmentNames::isValid)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  Path envDir(String env) {
    return root.resolve(env);
  }

  Path proxyDir(String env) {
    return envDir(env).resolve("proxy");
  }
}
