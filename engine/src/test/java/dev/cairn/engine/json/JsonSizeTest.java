package dev.cairn.engine.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Json#fitsIn} answers as comparing the exact size with the limit would. */
class JsonSizeTest {
  @Test
  void fitsInAgreesWithTheExactSizeAroundTheLimit() {
    List<JsonNode> values =
        List.of(
            Json.parse("{}"),
            Json.parse("\"\\u001f\\u001f\\u001f\""),
            Json.parse("{\"a\":[1,2.50,true,null,\"\\u00e9\"],\"b\":{\"c\":1E+400}}"),
            Json.parse("123456789012345678901234567890.5"),
            Json.parse("[\"\\ud83d\\ude00\",-12,3.0E-7]"));
    for (JsonNode value : values) {
      int size = Json.sizeInBytes(value);
      for (int limit = 0; limit <= size + 2; limit++) {
        assertThat(Json.fitsIn(value, limit))
            .as("%s in %d bytes", value, limit)
            .isEqualTo(size <= limit);
      }
    }
  }
}
