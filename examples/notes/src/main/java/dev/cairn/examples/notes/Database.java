package dev.cairn.examples.notes;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections to the application's PostgreSQL database.
 *
 * <p>One connection per request: for a demo this is simple and always correct (a database restart
 * never leaves stale pooled connections behind), and PostgreSQL on loopback connects in a few
 * milliseconds.
 */
public final class Database {
  private static final int CONNECT_TIMEOUT_SECONDS = 5;
  private static final int SOCKET_TIMEOUT_SECONDS = 30;

  private final String url;
  private final String user;
  private final String password;

  /**
   * Creates the connection factory.
   *
   * @param settings where the database is and who to connect as
   */
  public Database(Settings settings) {
    this.url = settings.databaseUrl();
    this.user = settings.databaseUser();
    this.password = settings.databasePassword();
  }

  /** The JDBC URL, without credentials. */
  public String url() {
    return url;
  }

  /** The user, or null. */
  public String user() {
    return user;
  }

  /** The password, or null (a secret: never log it). */
  String password() {
    return password;
  }

  /**
   * Opens a new connection; the caller closes it.
   *
   * @return an open connection
   * @throws SQLException when the database is unreachable or refuses the credentials
   */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    // Bounded waits: a request must not hang forever on a database that stopped answering.
    properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
    properties.setProperty("ApplicationName", "notes");
    return DriverManager.getConnection(url, properties);
  }
}
