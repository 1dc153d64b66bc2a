package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.util.List;
import java.util.function.Consumer;

/** One step of a compiled JSONPath: selects nodes below a node. Immutable and thread-safe. */
sealed interface Segment
    permits Segment.Child,
        Segment.Children,
        Segment.Index,
        Segment.Indexes,
        Segment.Slice,
        Segment.Wildcard,
        Segment.Scan,
        Segment.Filter {

  /**
   * Emits every node this step selects below {@code node}.
   *
   * @param root the document the whole path is evaluated against ({@code $} inside filters)
   * @param leaf whether this is the last step (a multi-name step merges only when it is)
   */
  void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out);

  /** True when the step designates at most one node, as Jayway JsonPath counts it. */
  boolean definite(boolean leaf);

  /** The step in Jayway's normalized bracket notation, as its error messages print it. */
  String normalized();

  /** {@code .name} or {@code ['name']}. */
  record Child(String name) implements Segment {
    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      JsonNode value = step(node);
      if (value != null) {
        out.accept(value);
      }
    }

    JsonNode step(JsonNode node) {
      return node != null && node.isObject() ? node.get(name) : null;
    }

    @Override
    public boolean definite(boolean leaf) {
      return true;
    }

    @Override
    public String normalized() {
      return "['" + name + "']";
    }
  }

  /**
   * {@code ['a','b']}. As the last step it yields one object holding the names that exist (Jayway's
   * merge); elsewhere it yields each value.
   */
  record Children(List<String> names) implements Segment {
    public Children {
      names = List.copyOf(names);
    }

    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      if (node == null || !node.isObject()) {
        return;
      }
      if (leaf) {
        out.accept(merge(node));
        return;
      }
      for (String name : names) {
        JsonNode value = node.get(name);
        if (value != null) {
          out.accept(value);
        }
      }
    }

    ObjectNode merge(JsonNode node) {
      ObjectNode merged = Json.object();
      for (String name : names) {
        JsonNode value = node.get(name);
        if (value != null) {
          merged.set(name, value);
        }
      }
      return merged;
    }

    @Override
    public boolean definite(boolean leaf) {
      return leaf;
    }

    @Override
    public String normalized() {
      StringBuilder text = new StringBuilder("[");
      for (int i = 0; i < names.size(); i++) {
        text.append(i == 0 ? "" : ",").append('\'').append(names.get(i)).append('\'');
      }
      return text.append(']').toString();
    }
  }

  /** {@code [n]}; a negative index counts from the end. */
  record Index(int index) implements Segment {
    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      JsonNode value = step(node);
      if (value != null) {
        out.accept(value);
      }
    }

    JsonNode step(JsonNode node) {
      if (node == null || !node.isArray()) {
        return null;
      }
      int effective = index < 0 ? node.size() + index : index;
      return effective >= 0 && effective < node.size() ? node.get(effective) : null;
    }

    @Override
    public boolean definite(boolean leaf) {
      return true;
    }

    @Override
    public String normalized() {
      return "[" + index + "]";
    }
  }

  /** {@code [0,2,-1]}: each index that exists, in the order written. */
  record Indexes(List<Integer> indexes) implements Segment {
    public Indexes {
      indexes = List.copyOf(indexes);
    }

    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      for (int index : indexes) {
        new Index(index).select(node, root, leaf, out);
      }
    }

    @Override
    public boolean definite(boolean leaf) {
      return false;
    }

    @Override
    public String normalized() {
      StringBuilder text = new StringBuilder("[");
      for (int i = 0; i < indexes.size(); i++) {
        text.append(i == 0 ? "" : ",").append(indexes.get(i));
      }
      return text.append(']').toString();
    }
  }

  /**
   * {@code [start:end:step]} with Python's rules: bounds may be negative or absent and are clamped
   * to the array, so a slice never fails.
   */
  record Slice(Integer start, Integer end, int step) implements Segment {
    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      if (node == null || !node.isArray()) {
        return;
      }
      int size = node.size();
      if (step > 0) {
        int from = bound(start, size, 0, 0, size);
        int to = bound(end, size, size, 0, size);
        for (int i = from; i < to; i += step) {
          out.accept(node.get(i));
        }
      } else {
        int from = bound(start, size, size - 1, -1, size - 1);
        int to = bound(end, size, -1, -1, size - 1);
        for (int i = from; i > to; i += step) {
          out.accept(node.get(i));
        }
      }
    }

    private static int bound(Integer value, int size, int absent, int min, int max) {
      if (value == null) {
        return absent;
      }
      int resolved = value < 0 ? size + value : value;
      return Math.max(min, Math.min(max, resolved));
    }

    @Override
    public boolean definite(boolean leaf) {
      return false;
    }

    @Override
    public String normalized() {
      return "["
          + (start == null ? "" : start)
          + ":"
          + (end == null ? "" : end)
          + (step == 1 ? "" : ":" + step)
          + "]";
    }
  }

  /** {@code [*]} or {@code .*}: every element of an array or every member value of an object. */
  record Wildcard() implements Segment {
    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      if (node != null && (node.isArray() || node.isObject())) {
        for (JsonNode child : node) {
          out.accept(child);
        }
      }
    }

    @Override
    public boolean definite(boolean leaf) {
      return false;
    }

    @Override
    public String normalized() {
      return "[*]";
    }
  }

  /**
   * {@code ..step}: applies {@code inner} to the node and to every node below it, depth first, the
   * node itself before its descendants.
   */
  record Scan(Segment inner) implements Segment {
    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      if (node == null) {
        return;
      }
      inner.select(node, root, leaf, out);
      if (node.isArray() || node.isObject()) {
        for (JsonNode child : node) {
          select(child, root, leaf, out);
        }
      }
    }

    @Override
    public boolean definite(boolean leaf) {
      return false;
    }

    @Override
    public String normalized() {
      return ".." + inner.normalized();
    }
  }

  /**
   * {@code [?(expr)]}: the elements of an array for which the expression holds; applied to an
   * object, the object itself when it holds (as Jayway does).
   */
  record Filter(FilterExpression expression, String text) implements Segment {
    @Override
    public void select(JsonNode node, JsonNode root, boolean leaf, Consumer<JsonNode> out) {
      if (node == null) {
        return;
      }
      if (node.isArray()) {
        for (JsonNode element : node) {
          if (expression.test(element, root)) {
            out.accept(element);
          }
        }
      } else if (node.isObject() && expression.test(node, root)) {
        out.accept(node);
      }
    }

    @Override
    public boolean definite(boolean leaf) {
      return false;
    }

    @Override
    public String normalized() {
      return "[?(" + text + ")]";
    }
  }
}
