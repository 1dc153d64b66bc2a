package dev.cairn.pipeline.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void decimalsKeepTheirExactValueThroughParseAndWrite() {
    String text = "{\"price\":0.10000000000000000001,\"count\":3}";

    var node = Json.parse(text);

    assertThat(node.get("price").decimalValue())
        .isEqualTo(new BigDecimal("0.10000000000000000001"));
    assertThat(Json.write(node)).isEqualTo(text);
  }

  @Test
  void badOrEmptyTextFailsWithWhereAndNoStackTraceNeeded() {
    assertThatThrownBy(() -> Json.parse("{\"a\": }"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1, column 7");
    assertThatThrownBy(() -> Json.parse("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty document: expected a JSON value");
  }

  @Test
  void prettyTextIsIndentedAndNewNodesAreEmpty() {
    var object = Json.object();
    object.set("list", Json.array().add(1));

    assertThat(Json.writePretty(object)).contains("\n  \"list\"");
    assertThat(Json.object()).isEmpty();
    assertThat(Json.array()).isEmpty();
  }
}
