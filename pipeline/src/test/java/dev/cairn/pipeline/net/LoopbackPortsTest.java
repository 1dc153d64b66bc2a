package dev.cairn.pipeline.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Release and service ports come from below the kernel's ephemeral range. */
class LoopbackPortsTest {
  @Test
  void theSpanBelowTheEphemeralRangeIsChosenFrom() {
    assertThat(LoopbackPorts.belowEphemeral(Optional.of(new int[] {32768, 60999})))
        .hasValueSatisfying(range -> assertThat(range).containsExactly(22768, 32767));
    // A range that starts low leaves less room, never ports under 10000.
    assertThat(LoopbackPorts.belowEphemeral(Optional.of(new int[] {15000, 60999})))
        .hasValueSatisfying(range -> assertThat(range).containsExactly(10000, 14999));
    // No room, or no range known: the kernel picks.
    assertThat(LoopbackPorts.belowEphemeral(Optional.of(new int[] {1024, 65535}))).isEmpty();
    assertThat(LoopbackPorts.belowEphemeral(Optional.empty())).isEmpty();
  }

  @Test
  void aPickedPortIsBelowTheEphemeralRangeFreeAndNotTaken() throws Exception {
    int first = LoopbackPorts.readEphemeralRange().orElseThrow()[0];
    assertThat(first)
        .as("this machine's ephemeral range starts above the span")
        .isGreaterThan(20_000);
    Set<Integer> taken = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = LoopbackPorts.pick(taken);
      assertThat(port).isLessThan(first).isGreaterThanOrEqualTo(LoopbackPorts.LOWEST);
      assertThat(taken).doesNotContain(port);
      assertThat(LoopbackPorts.bindable(port)).isTrue();
      taken.add(port);
    }
  }

  @Test
  void aPortInUseIsNotBindable() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(LoopbackPorts.bindable(listening.getLocalPort())).isFalse();
    }
  }
}
