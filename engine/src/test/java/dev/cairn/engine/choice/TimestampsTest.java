package dev.cairn.engine.choice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {
  @ParameterizedTest
  @CsvSource({
    "2012-10-09T19:00:55Z, 2012-10-09T19:00:55Z",
    "2012-10-09T19:00:55+01:00, 2012-10-09T18:00:55Z",
    "2012-10-09T19:00:55-02:30, 2012-10-09T21:30:55Z",
    "2016-03-14T01:59:00.123Z, 2016-03-14T01:59:00.123Z",
    "2016-03-14T01:59:00.123456789Z, 2016-03-14T01:59:00.123456789Z",
    "2016-02-29T00:00:00Z, 2016-02-29T00:00:00Z",
  })
  void readsRfc3339Timestamps(String text, String instant) {
    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(instant));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2012-10-09T19:00:55",
        "2023-02-24",
        "2012-10-09t19:00:55Z",
        "2012-10-09T19:00:55z",
        "2012-10-09 19:00:55Z",
        "2012-10-09T19:00Z",
        "2012-10-09T19:00:55.Z",
        "2012-10-09T19:00:55.1234567890Z",
        "2012-13-09T19:00:55Z",
        "2015-02-29T00:00:00Z",
        "2012-10-09T24:00:00Z",
        "2012-10-09T19:00:55+0100",
        "2012-10-09T19:00:55+19:00",
        "2012-10-09T19:00:55Z ",
        "HelloWorld",
        ""
      })
  void rejectsAnythingElse(String text) {
    assertThat(Timestamps.parse(text)).isNull();
  }
}
