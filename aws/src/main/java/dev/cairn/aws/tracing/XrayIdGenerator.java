package dev.cairn.aws.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Makes trace ids X-Ray accepts: the first 8 hex digits are the trace's start in epoch seconds
 * (X-Ray drops traces whose id says they started more than 30 days ago), the other 24 are random.
 * Span ids are 16 random hex digits, never all zero.
 */
public final class XrayIdGenerator implements IdGenerator {
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** A generator on the system clock. */
  public XrayIdGenerator() {
    this(Clock.systemUTC());
  }

  /** A generator on {@code clock} (for tests). */
  public XrayIdGenerator(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String generateTraceId() {
    byte[] randomPart = new byte[12];
    random.nextBytes(randomPart);
    long seconds = clock.instant().getEpochSecond();
    return String.format("%08x", seconds & 0xffffffffL) + HexFormat.of().formatHex(randomPart);
  }

  @Override
  public String generateSpanId() {
    while (true) {
      long id = random.nextLong();
      if (id != 0) {
        return HexFormat.of().toHexDigits(id);
      }
    }
  }
}
