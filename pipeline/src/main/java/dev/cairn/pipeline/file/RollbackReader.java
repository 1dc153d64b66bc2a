package dev.cairn.pipeline.file;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads an environment's {@code rollback} section: automatic rollback, the revert policy and how
 * often a failing live release is restarted before it is rolled back.
 */
final class RollbackReader extends NodeReader {
  private static final List<String> ROLLBACK_KEYS =
      List.of("automatic", "revert", "max-restarts", "restart-window");
  private static final String MAX_RESTARTS = "a whole number from 0 to 100";
  private static final List<String> REVERT_VALUES = List.of("off", "main", "branch");

  RollbackReader(SourceProblems problems) {
    super(problems);
  }

  RollbackSpec rollback(Node node, String path) {
    if (node == null) {
      return new RollbackSpec(true);
    }
    if (mapping(node, path, "a mapping with keys: " + String.join(", ", ROLLBACK_KEYS)) == null) {
      return null;
    }
    Fields f = fields(node, path, ROLLBACK_KEYS);
    Boolean automatic = bool(f.get("automatic"), path + ".automatic", true);
    Duration window =
        duration(
            f.get("restart-window"),
            path + ".restart-window",
            false,
            RollbackSpec.DEFAULT_RESTART_WINDOW);
    return new RollbackSpec(
        automatic == null || automatic,
        revert(f.get("revert"), path),
        maxRestarts(f.get("max-restarts"), path + ".max-restarts"),
        window);
  }

  private int maxRestarts(Node node, String path) {
    if (node == null) {
      return RollbackSpec.DEFAULT_MAX_RESTARTS;
    }
    BigInteger value = integer(node, path, MAX_RESTARTS);
    if (value == null) {
      return RollbackSpec.DEFAULT_MAX_RESTARTS;
    }
    if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(100)) > 0) {
      problem(node, path + ": expected " + MAX_RESTARTS + ", found " + value);
      return RollbackSpec.DEFAULT_MAX_RESTARTS;
    }
    return value.intValue();
  }

  private RollbackSpec.Revert revert(Node node, String path) {
    if (node == null || isNull(node)) {
      return RollbackSpec.Revert.OFF;
    }
    // YAML 1.2 core schema: a bare off is the string "off", not a boolean.
    String value =
        node instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag())
            ? scalar.getValue()
            : null;
    if (value == null || !REVERT_VALUES.contains(value)) {
      problem(
          node,
          path
              + ".revert: expected one of "
              + String.join(", ", REVERT_VALUES)
              + ", found "
              + found(node));
      return RollbackSpec.Revert.OFF;
    }
    return RollbackSpec.Revert.valueOf(value.toUpperCase(Locale.ROOT));
  }
}
