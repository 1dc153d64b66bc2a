package dev.cairn.local.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an environment's proxy counted since it started, as it writes them beside its control file
 * ({@code ENV/proxy/counters}, at most a second old) for Cairn's {@code /metrics}: the proxy is a
 * separate process that outlives Cairn, so a file is the cheapest way across. The proxy forwards
 * TCP, so it counts connections (an HTTP client may send many requests over one), not requests.
 *
 * @param connections connections accepted
 * @param errors connections that could not be forwarded (the release's port refused them)
 */
public record ProxyCounters(long connections, long errors) {
  /** The counters file of a control file. */
  public static Path fileOf(Path controlFile) {
    return controlFile.resolveSibling("counters");
  }

  /** The counters the proxy last wrote; empty when it wrote none or the file is not readable. */
  public static Optional<ProxyCounters> read(Path file) {
    try {
      long connections = -1;
      long errors = -1;
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.split("=", 2);
        if (parts.length == 2 && parts[0].equals("connections")) {
          connections = Long.parseLong(parts[1].strip());
        } else if (parts.length == 2 && parts[0].equals("errors")) {
          errors = Long.parseLong(parts[1].strip());
        }
      }
      return connections < 0 || errors < 0
          ? Optional.empty()
          : Optional.of(new ProxyCounters(connections, errors));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      // A half-written file cannot happen (it is replaced atomically); anything else: no counts.
      return Optional.empty();
    }
  }

  /** The file's content. */
  String text() {
    return "connections=" + connections + "\nerrors=" + errors + "\n";
  }
}
