package dev.cairn.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void quotedStringsParseBackToThemselves() {
    String text = "a \"quote\", a \\ backslash, /slash, tab\t, newline\n, bell\u0007, emoji 😀, é";

    assertThat(Json.parse(Json.quote(text))).isEqualTo(text);
    assertThat(Json.quote("\u0001")).isEqualTo("\"\\u0001\"");
  }

  @Test
  void parsesEveryKindOfValue() {
    Object value =
        Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"\\u00e9\\n\"}} ");

    assertThat(value)
        .isEqualTo(
            Map.of(
                "a",
                java.util.Arrays.asList(
                    new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null),
                "b",
                Map.of("c", "é\n")));
    assertThat(Json.parse("[]")).isEqualTo(List.of());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "[1 2]",
        "01",
        "1.",
        "\"unterminated",
        "\"bad \\x escape\"",
        "tru",
        "{} {}",
        "{\"a\":1,\"a\":2}",
        "١"
      })
  void rejectsMalformedDocuments(String document) {
    assertThatThrownBy(() -> Json.parse(document))
        .isInstanceOf(Json.JsonException.class)
        .hasMessageContaining("at offset");
  }
}
