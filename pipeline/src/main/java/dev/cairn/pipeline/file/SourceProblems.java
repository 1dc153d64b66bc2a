package dev.cairn.pipeline.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The problems found in one pipeline file, each placed at a line and column of its source. Shared
 * by the section readers, so that one parse collects the problems of every section into one list.
 */
final class SourceProblems {
  private final String fileName;
  private final String source;
  private final List<PipelineProblem> problems;
  private int[] lineStarts;

  SourceProblems(String fileName, String source, List<PipelineProblem> problems) {
    this.fileName = fileName;
    this.source = source;
    this.problems = problems;
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  void add(Node node, String message) {
    add(position(node), message);
  }

  void add(int[] position, String message) {
    problems.add(new PipelineProblem(fileName, position[0], position[1], message));
  }

  /**
   * Where a piece of a scalar's value is in the file. The value may differ from the source (quotes,
   * escapes, folding), so the n-th occurrence of the piece in the value is matched with the n-th
   * occurrence in the scalar's source text; when that fails, the scalar's start is the place.
   */
  int[] locate(ScalarNode node, String value, int offset, String piece) {
    Optional<Mark> start = node.getStartMark();
    Optional<Mark> end = node.getEndMark();
    if (start.isEmpty() || end.isEmpty()) {
      return position(node);
    }
    int occurrence = 0;
    for (int i = value.indexOf(piece); i >= 0 && i < offset; i = value.indexOf(piece, i + 1)) {
      occurrence++;
    }
    int from = charIndex(start.get().getIndex());
    int to = charIndex(end.get().getIndex());
    if (from < 0 || to < from) {
      return position(node);
    }
    String raw = source.substring(from, to);
    int found = raw.indexOf(piece);
    while (found >= 0 && occurrence > 0) {
      found = raw.indexOf(piece, found + 1);
      occurrence--;
    }
    return found < 0 ? position(node) : lineColumn(from + found);
  }

  private int charIndex(int codePointIndex) {
    try {
      return source.offsetByCodePoints(0, codePointIndex);
    } catch (IndexOutOfBoundsException e) {
      return -1;
    }
  }

  private int[] lineColumn(int charIndex) {
    if (lineStarts == null) {
      List<Integer> starts = new ArrayList<>(List.of(0));
      for (int i = 0; i < source.length(); i++) {
        char c = source.charAt(i);
        if (c == '\n'
            || (c == '\r' && (i + 1 >= source.length() || source.charAt(i + 1) != '\n'))) {
          starts.add(i + 1);
        }
      }
      lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }
    int line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= charIndex) {
      line++;
    }
    return new int[] {line + 1, source.codePointCount(lineStarts[line], charIndex) + 1};
  }

  /** The line a node starts on (1 when unknown), for "first defined at line N". */
  static int line(Node node) {
    return node == null ? 1 : node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  static int[] position(Node node) {
    return node == null
        ? new int[] {1, 1}
        : node.getStartMark()
            .map(m -> new int[] {m.getLine() + 1, m.getColumn() + 1})
            .orElse(new int[] {1, 1});
  }
}
