package dev.cairn.pipeline.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusMessageTest {
  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  @Test
  void jsonRoundTripsAndOmitsAMissingEnvironment() {
    StatusMessage deploy =
        new StatusMessage("r1", "abc", "prod", StatusMessage.State.FAILURE, "rolled back", AT);
    StatusMessage build =
        new StatusMessage("r1", "abc", null, StatusMessage.State.PENDING, "building", AT);

    assertThat(StatusMessage.fromJson(deploy.toJson())).isEqualTo(deploy);
    assertThat(StatusMessage.fromJson(build.toJson())).isEqualTo(build);
    assertThat(deploy.toJson())
        .isEqualTo(
            "{\"schema\":\"cairn.status/v1\",\"run\":\"r1\",\"commit\":\"abc\","
                + "\"environment\":\"prod\",\"state\":\"failure\",\"description\":\"rolled back\","
                + "\"at\":\"2026-01-02T03:04:05Z\"}");
    assertThat(build.toJson()).doesNotContain("environment");
  }

  @Test
  void badMessagesAreRejectedWithTheReason() {
    assertThatThrownBy(() -> StatusMessage.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> StatusMessage.fromJson("{\"schema\":\"other\"}"))
        .hasMessageContaining("unsupported status message schema: other");
    assertThatThrownBy(
            () ->
                StatusMessage.fromJson(
                    "{\"schema\":\"cairn.status/v1\",\"run\":\"r\",\"commit\":\"c\","
                        + "\"state\":\"great\",\"description\":\"\",\"at\":\"2026-01-02T03:04:05Z\"}"))
        .hasMessageContaining("unknown status state: 'great'");
    assertThatThrownBy(
            () -> new StatusMessage("r", "c", null, StatusMessage.State.SUCCESS, "a\nb", AT))
        .hasMessageContaining("more than one line");
    assertThatThrownBy(() -> new StatusMessage("", "c", null, StatusMessage.State.SUCCESS, "", AT))
        .hasMessageContaining("run is missing");
  }
}
