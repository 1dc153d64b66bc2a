package dev.cairn.examples.notes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The command line: {@code java -jar notes.jar} serves, {@code java -jar notes.jar migrate} brings
 * the schema up to date and exits.
 */
public final class Main {
  /** Exit code: the command succeeded. */
  public static final int OK = 0;

  /** Exit code: the migration failed (database unreachable, or a migration's SQL failed). */
  public static final int MIGRATION_FAILED = 1;

  /** Exit code: wrong arguments or configuration; a person must fix the invocation. */
  public static final int USAGE = 2;

  /** Exit code: the server could not start, e.g. the port is taken. */
  public static final int CANNOT_SERVE = 3;

  private static final String USAGE_TEXT =
      "usage: java -jar notes.jar [migrate]\n"
          + "  (no argument)  serve HTTP on $PORT (default 8080); never migrates\n"
          + "  migrate        apply pending database migrations, then exit\n"
          + "environment: PORT, DATABASE_URL (jdbc:postgresql://...), DATABASE_USER,"
          + " DATABASE_PASSWORD, CAIRN_COMMIT, NOTES_HEALTH_FAIL";

  private Main() {}

  /**
   * Runs the command and exits with its code (serving runs until the process is stopped).
   *
   * @param args {@code []} to serve, {@code [migrate]} to migrate
   */
  public static void main(String[] args) {
    // Flyway logs through java.util.logging; one line per message reads better in Cairn's logs.
    System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%6$s%n");
    int code = run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err);
    System.exit(code);
  }

  /**
   * Runs one command.
   *
   * @param args the arguments
   * @param env the environment
   * @param workingDirectory the directory the demo switch file is looked for in
   * @param out where progress and request logs go
   * @param err where errors go, as one clear message
   * @return the exit code
   */
  public static int run(
      String[] args,
      Map<String, String> env,
      Path workingDirectory,
      PrintStream out,
      PrintStream err) {
    if (args.length > 1 || args.length == 1 && !args[0].equals("migrate")) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    Settings settings;
    try {
      settings = Settings.fromEnvironment(env);
    } catch (Settings.ConfigurationException e) {
      err.println("notes: " + e.getMessage());
      return USAGE;
    }
    return args.length == 1
        ? migrate(settings, out, err)
        : serve(settings, workingDirectory, out, err);
  }

  private static int migrate(Settings settings, PrintStream out, PrintStream err) {
    try {
      MigrateResult result = Migrations.migrate(new Database(settings));
      String schemaVersion =
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : result.initialSchemaVersion;
      out.println(
          "notes migrate: applied "
              + result.migrationsExecuted
              + " migration(s); schema version "
              + (schemaVersion == null ? "none" : schemaVersion));
      return OK;
    } catch (FlywayException e) {
      err.println("notes migrate failed: " + e.getMessage());
      return MIGRATION_FAILED;
    }
  }

  private static int serve(
      Settings settings, Path workingDirectory, PrintStream out, PrintStream err) {
    NotesServer server;
    try {
      server = NotesServer.start(settings, workingDirectory, out);
    } catch (IOException e) {
      err.println("notes: cannot listen on port " + settings.port() + ": " + e.getMessage());
      return CANNOT_SERVE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (how Cairn stops an old release) finishes running requests before the JVM exits.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OK;
  }
}
