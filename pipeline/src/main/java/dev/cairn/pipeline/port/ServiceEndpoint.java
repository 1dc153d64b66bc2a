package dev.cairn.pipeline.port;

/**
 * How an application reaches a service. These are the values of {@code ${services.NAME.<field>}}
 * references.
 *
 * @param host the host (loopback locally)
 * @param port the port
 * @param user the user (null for services without one)
 * @param password the password (a secret; null for services without one)
 * @param database the database name (null where not applicable)
 * @param url a connection URL without credentials, e.g. {@code
 *     jdbc:postgresql://127.0.0.1:5433/app}
 */
public record ServiceEndpoint(
    String host, int port, String user, String password, String database, String url) {
  @Override
  public String toString() {
    // The password is a secret: never part of a string that could reach a log.
    return "ServiceEndpoint[" + url + ", user=" + user + "]";
  }
}
