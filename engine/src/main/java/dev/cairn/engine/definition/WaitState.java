package dev.cairn.engine.definition;

import dev.cairn.engine.path.JsonPath;
import java.time.Instant;

/**
 * A Wait state: waits for a number of seconds or until a time. Exactly one of the four ways is set.
 *
 * @param next the next state, or null when {@code End} is true
 * @param seconds Seconds, or null
 * @param secondsPath SecondsPath, or null
 * @param timestamp Timestamp, or null
 * @param timestampPath TimestampPath, or null
 */
public record WaitState(
    String name,
    String next,
    IoPath inputPath,
    IoPath outputPath,
    Long seconds,
    JsonPath secondsPath,
    Instant timestamp,
    JsonPath timestampPath)
    implements State {
  /** The most {@code Seconds} may be: "an integer value from 0 to 99999999" (AWS docs). */
  public static final int MAX_SECONDS = 99_999_999;
}
