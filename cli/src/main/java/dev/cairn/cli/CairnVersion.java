package dev.cairn.cli;

import picocli.CommandLine;

/** Reports Cairn's version from the jar's manifest. */
public final class CairnVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"cairn " + current()};
  }

  /** Cairn's version from the jar's manifest, or {@code development build}. */
  public static String current() {
    String version = CairnVersion.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
