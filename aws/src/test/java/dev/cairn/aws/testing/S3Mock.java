package dev.cairn.aws.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Adobe S3Mock, an S3 emulator, in its own JVM process on a free loopback port: started once per
 * JVM on first use, destroyed at JVM exit. Buckets are shared by all tests of the JVM, so tests
 * create buckets with unique names.
 *
 * <p>Why a separate JVM: S3Mock is a Spring Boot application that configures Logback through SLF4J
 * 2 and sets process-wide state (logging, JUL bridge, Tomcat); the test JVM's class path has the
 * AWS SDK's SLF4J 1.7 and other tests' loggers. The child runs {@code
 * com.adobe.testing.s3mock.S3MockApplication} with the class path in the system property {@code
 * cairn.s3mock.classpath}, else the test JVM's own class path (which must hold S3Mock and its
 * dependencies).
 */
public final class S3Mock {
  private static EmulatorProcess server;

  private S3Mock() {}

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}; starts the server on first use. */
  public static synchronized URI endpoint() {
    if (server == null || !server.isAlive()) {
      int httpPort = FreePort.pick();
      int httpsPort = FreePort.pick();
      Path root;
      try {
        root = Files.createTempDirectory("cairn-s3mock-");
        // S3Mock empties it when it stops (before this runs, at JVM exit); the empty directory
        // goes.
        root.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String classpath =
          System.getProperty("cairn.s3mock.classpath", System.getProperty("java.class.path"));
      String javaLauncher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      URI endpoint = URI.create("http://127.0.0.1:" + httpPort);
      server =
          EmulatorProcess.start(
              "s3mock",
              List.of(
                  javaLauncher,
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  classpath,
                  "com.adobe.testing.s3mock.S3MockApplication",
                  "--server.address=127.0.0.1",
                  "--server.port=" + httpsPort,
                  "--http.port=" + httpPort,
                  "--com.adobe.testing.s3mock.httpPort=" + httpPort,
                  "--com.adobe.testing.s3mock.store.root=" + root,
                  "--com.adobe.testing.s3mock.store.retainFilesOnExit=false",
                  "--spring.main.banner-mode=off",
                  "--logging.level.root=WARN"),
              Map.of(),
              endpoint,
              "/",
              Duration.ofSeconds(90));
    }
    return server.endpoint();
  }
}
