package dev.cairn.examples.notes;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings the database schema up to date with the migrations in {@code db/migration}. */
public final class Migrations {
  private Migrations() {}

  /**
   * Applies the pending migrations.
   *
   * @param database the database to migrate
   * @return what Flyway did
   * @throws org.flywaydb.core.api.FlywayException when the database is unreachable or a migration
   *     fails (the failed migration is rolled back: PostgreSQL DDL is transactional)
   */
  public static MigrateResult migrate(Database database) {
    Flyway flyway =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(database.url(), database.user(), database.password())
            .locations("classpath:db/migration")
            // A release must never come up against a half-known schema: refuse unknown history.
            .validateMigrationNaming(true)
            .load();
    return flyway.migrate();
  }
}
