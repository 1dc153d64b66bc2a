package dev.cairn.cli;

import picocli.CommandLine;

/** Reports Cairn's version from the jar's manifest. */
public final class CairnVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = CairnVersion.class.getPackage().getImplementationVersion();
    return new String[] {"cairn " + (version == null ? "development build" : version)};
  }
}
