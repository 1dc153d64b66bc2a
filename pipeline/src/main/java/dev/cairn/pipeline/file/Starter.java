package dev.cairn.pipeline.file;

import java.util.Locale;

/** The commented starter pipeline file that {@code cairn init} writes. */
public final class Starter {
  private static final String TEMPLATE =
      """
      # cairn.yml: how Cairn builds, deploys, checks and rolls back @NAME@.
      # Every commit on main runs through it. Reference: docs/pipeline-file.md
      name: @NAME@

      build:
        # Steps run in order with /bin/sh -c, in a fresh checkout of the commit,
        # like GitHub Actions `run:` steps. The first failing step fails the build.
        steps:
          - name: package
            run: mvn -B -q package -DskipTests
        # The file or directory (relative to the checkout) that is kept and deployed.
        artifact: target/@NAME@.jar
        # Or release a container image built with Podman from the checkout instead
        # (then no artifact, and app.start is optional; see docs/containers.md):
        # image: {file: Containerfile}
        timeout: 30m
        # Builds run without network unless you allow it (e.g. to download dependencies).
        network: true
        # env:
        #   GITHUB_TOKEN: ${secrets.github-token}

      # Environments, in promotion order: a commit reaches the next one only after
      # it was healthy in the one before.
      environments:
        - name: production
          # Services live as long as the environment: data and generated
          # credentials survive deployments and rollbacks.
          services:
            db: {type: postgres, database: @DATABASE@}
          app:
            # Runs in the unpacked artifact; must listen on $PORT (set by Cairn).
            start: java -jar @NAME@.jar
            # The stable port clients use; Cairn's proxy owns it and switches
            # between releases without dropping requests.
            port: 8080
            start-timeout: 60s
            env:
              DATABASE_URL: ${services.db.url}
              DATABASE_USER: ${services.db.user}
              DATABASE_PASSWORD: ${services.db.password}
              APP_VERSION: ${commit}
          # Runs before traffic switches, with the app's env. Remove it if unused.
          migrate:
            run: java -jar @NAME@.jar migrate
          health:
            path: /health
            interval: 1s
            timeout: 2s
            failure-threshold: 3
          # How long a new release is watched before it counts as good.
          bake: 30s
          rollback:
            automatic: true
            # After an automatic rollback, push `Revert "<subject>"`: off, main or
            # branch (onto cairn/revert/<commit> for review).
            revert: off
      # Every event is recorded on the branch cairn/audit; tags: true also tags
      # each deployed commit cairn/<environment>/<time>-<commit>.
      audit:
        tags: false
      """;

  private Starter() {}

  /**
   * The starter file for an application.
   *
   * @param appName a valid application name (lowercase letters, digits, hyphens; see {@link
   *     #nameFrom})
   * @throws IllegalArgumentException if the name is not valid
   */
  public static String text(String appName) {
    if (!PipelineReader.NAME.matcher(appName).matches()) {
      throw new IllegalArgumentException(
          "invalid application name '"
              + PipelineReader.printable(appName)
              + "': use lowercase letters, digits and hyphens, starting with a letter");
    }
    return TEMPLATE.replace("@NAME@", appName).replace("@DATABASE@", appName.replace('-', '_'));
  }

  /**
   * A valid application name derived from free text such as a directory name: lowercased, runs of
   * other characters turned into one hyphen, cut to 63 characters; {@code app} when nothing is
   * left.
   */
  public static String nameFrom(String text) {
    String name =
        text.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^[^a-z]+", "")
            .replaceAll("-+$", "");
    if (name.length() > 63) {
      name = name.substring(0, 63).replaceAll("-+$", "");
    }
    return name.isEmpty() ? "app" : name;
  }
}
