package dev.cairn.examples.notes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What is deployed: the application's version and the commit it was built from.
 *
 * @param version the application version, from the build
 * @param commit the commit: {@code CAIRN_COMMIT} at run time, else the one baked in at build time,
 *     else {@code unknown}
 */
public record VersionInfo(String version, String commit) {
  private static final String UNKNOWN = "unknown";
  private static final String RESOURCE = "version.txt";

  /**
   * Resolves the version from the baked-in {@code version.txt} and the run-time commit.
   *
   * @param runtimeCommit the commit from the environment, or null
   * @return the version information
   */
  public static VersionInfo resolve(String runtimeCommit) {
    Properties baked = new Properties();
    try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        baked.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + " from the application jar", e);
    }
    String commit = runtimeCommit != null ? runtimeCommit : known(baked.getProperty("commit"));
    return new VersionInfo(known(baked.getProperty("version")), commit);
  }

  // An unfiltered placeholder means the build did not know the value.
  private static String known(String value) {
    if (value == null || value.isBlank() || value.contains("${")) {
      return UNKNOWN;
    }
    return value.strip();
  }

  /** The information as a JSON object: {@code {"version":"...","commit":"..."}}. */
  public String toJson() {
    return "{\"version\":" + Json.quote(version) + ",\"commit\":" + Json.quote(commit) + "}";
  }
}
