package dev.cairn.engine.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An object node on the small field map behaves as one on Jackson's own map: the same fields in the
 * same order, equal to it both ways with the same hash, the same text, and every way of changing
 * it.
 */
class SmallFieldMapTest {
  /** The same operations on both kinds of node. */
  private static void fill(ObjectNode node) {
    node.put("name", "Item");
    node.put("index", 3);
    node.set("input", Json.parse("{\"a\":[1,2,{\"b\":null}]}"));
    node.put("index", 4); // replaced in place: stays second
    node.putNull("gone");
    node.put("flag", true);
    node.remove("gone");
    node.putArray("list").add(1).add("x");
  }

  @Test
  void behavesAsAnObjectNodeOnJacksonsMap() {
    ObjectNode small = Json.smallObject();
    ObjectNode usual = Json.object();
    fill(small);
    fill(usual);

    assertThat(names(small)).containsExactly("name", "index", "input", "flag", "list");
    assertThat(names(small)).isEqualTo(names(usual));
    assertThat(small).isEqualTo(usual);
    assertThat(usual).isEqualTo(small);
    assertThat(small.hashCode()).isEqualTo(usual.hashCode());
    assertThat(Json.write(small)).isEqualTo(Json.write(usual));
    assertThat(small.toString()).isEqualTo(usual.toString());
    assertThat(small.get("index").intValue()).isEqualTo(4);
    assertThat(small.has("gone")).isFalse();
    assertThat(small.get("missing")).isNull();
    assertThat(small.size()).isEqualTo(5);
    assertThat(small.deepCopy()).isEqualTo(usual);
  }

  @Test
  void growsPastItsFirstCapacityAndKeepsOrder() {
    ObjectNode small = Json.smallObject();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      small.put("f" + i, i);
      expected.add("f" + i);
    }
    assertThat(names(small)).isEqualTo(expected);
    assertThat(small.get("f39").intValue()).isEqualTo(39);
    small.remove("f0");
    small.remove("f20");
    expected.remove("f0");
    expected.remove("f20");
    assertThat(names(small)).isEqualTo(expected);
    assertThat(small.get("f21").intValue()).isEqualTo(21);
  }

  @Test
  void removesThroughRetainAndIteratorsAndWritesThroughEntries() {
    ObjectNode small = Json.smallObject();
    fill(small);
    small.retain("index", "list", "flag");
    assertThat(names(small)).containsExactly("index", "flag", "list");

    var fields = small.properties().iterator();
    fields.next();
    fields.next().setValue(Json.NODES.textNode("changed"));
    fields.remove();
    assertThat(names(small)).containsExactly("index", "list");

    for (Map.Entry<String, JsonNode> field : small.properties()) {
      field.setValue(Json.NODES.numberNode(9));
    }
    assertThat(Json.write(small)).isEqualTo("{\"index\":9,\"list\":9}");

    small.removeAll();
    assertThat(small.isEmpty()).isTrue();
    assertThat(Json.write(small)).isEqualTo("{}");
  }

  private static List<String> names(ObjectNode node) {
    Set<String> names = new java.util.LinkedHashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return new ArrayList<>(names);
  }
}
