package dev.cairn.pipeline.file;

import java.util.List;
import java.util.Locale;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads an environment's {@code rollback} section: automatic rollback and the revert policy. */
final class RollbackReader extends NodeReader {
  private static final List<String> ROLLBACK_KEYS = List.of("automatic", "revert");
  private static final List<String> REVERT_VALUES = List.of("off", "main", "branch");

  RollbackReader(SourceProblems problems) {
    super(problems);
  }

  RollbackSpec rollback(Node node, String path) {
    if (node == null) {
      return new RollbackSpec(true);
    }
    if (mapping(node, path, "a mapping with keys: automatic, revert") == null) {
      return null;
    }
    Fields f = fields(node, path, ROLLBACK_KEYS);
    Boolean automatic = bool(f.get("automatic"), path + ".automatic", true);
    return new RollbackSpec(automatic == null || automatic, revert(f.get("revert"), path));
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
