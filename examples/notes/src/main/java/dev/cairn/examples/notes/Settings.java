package dev.cairn.examples.notes;

import java.util.Map;

/**
 * The application's configuration, read from environment variables.
 *
 * @param port the HTTP port ({@code PORT}, default 8080; 0 picks a free one)
 * @param databaseUrl the JDBC URL ({@code DATABASE_URL}, e.g. {@code
 *     jdbc:postgresql://127.0.0.1:5432/notes})
 * @param databaseUser the database user ({@code DATABASE_USER}, may be null)
 * @param databasePassword the database password ({@code DATABASE_PASSWORD}, may be null; a secret)
 * @param commit the deployed commit from {@code CAIRN_COMMIT}, or null when not set
 * @param healthFailSwitch whether {@code NOTES_HEALTH_FAIL=1} asks /health to fail (demo switch)
 */
public record Settings(
    int port,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String commit,
    boolean healthFailSwitch) {

  /** The port used when {@code PORT} is not set. */
  public static final int DEFAULT_PORT = 8080;

  /**
   * Reads the settings from an environment.
   *
   * @param env the environment, e.g. {@link System#getenv()}
   * @return the settings
   * @throws ConfigurationException when a variable is missing or malformed
   */
  public static Settings fromEnvironment(Map<String, String> env) {
    String url = blankToNull(env.get("DATABASE_URL"));
    if (url == null) {
      throw new ConfigurationException(
          "DATABASE_URL is not set; expected a JDBC URL such as"
              + " jdbc:postgresql://127.0.0.1:5432/notes");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new ConfigurationException(
          "DATABASE_URL must be a PostgreSQL JDBC URL starting with jdbc:postgresql:");
    }
    return new Settings(
        parsePort(env.get("PORT")),
        url,
        blankToNull(env.get("DATABASE_USER")),
        env.get("DATABASE_PASSWORD"),
        blankToNull(env.get("CAIRN_COMMIT")),
        "1".equals(env.get("NOTES_HEALTH_FAIL")));
  }

  private static int parsePort(String value) {
    if (blankToNull(value) == null) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value.strip());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as an out-of-range number.
    }
    throw new ConfigurationException("PORT must be a number from 0 to 65535, not '" + value + "'");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public String toString() {
    // The password never reaches a string that could be logged.
    return "Settings[port="
        + port
        + ", databaseUrl="
        + databaseUrl
        + ", databaseUser="
        + databaseUser
        + ", commit="
        + commit
        + ", healthFailSwitch="
        + healthFailSwitch
        + "]";
  }

  /** A missing or malformed environment variable: the operator must fix the configuration. */
  public static final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and what is expected
     */
    public ConfigurationException(String message) {
      super(message);
    }
  }
}
