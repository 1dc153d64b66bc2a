package dev.cairn.pipeline.behaviour;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The application the behaviour scenarios deploy: a Python HTTP server ({@code app/app.py} of the
 * test resources) answering {@code /health} and {@code /version}, whose health a committed file
 * changes, and its pipeline file with a free port per environment. Both drivers run it as processes
 * on this machine.
 *
 * <p>Its {@link #images image variant} is the same application as a release image ({@code
 * behaviour/image/} of the test resources): the build lays out a root file system ({@code FROM
 * scratch} with the machine's static busybox) and builds the image, the release is busybox's httpd
 * answering {@code /version} and {@code /cgi-bin/health}, and each environment migrates ({@code
 * migrate.run} prints {@link #MIGRATING} and the commit). The local driver runs it as containers;
 * the AWS driver deploys it to a stack, where no release runs: there a committed {@link
 * #HEALTHY_CHECKS} is what the release's 5xx alarm reports during the bake.
 *
 * <p>Files a scenario commits: {@code fail-build} fails the build; {@code app/healthy-checks} (a
 * number N) makes the release pass N health checks and fail the next (its start passes, its bake
 * fails); {@code app/hold-until} (a loopback port, the {@link #gate}) keeps its health check
 * failing until something listens on that port ({@link #openGate}).
 */
public final class SampleApp implements AutoCloseable {
  /** The file whose presence fails the build. */
  public static final String FAIL_BUILD = "fail-build";

  /** The file that limits how many health checks the release passes. */
  public static final String HEALTHY_CHECKS = "app/healthy-checks";

  /** The file naming the gate port the release's health check waits for. */
  public static final String HOLD_UNTIL = "app/hold-until";

  /** What the image variant's migration prints before the commit it migrates. */
  public static final String MIGRATING = "migrating ";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Map<String, Integer> ports;
  private final String revert;
  private final int gate;
  private final String image;
  private ServerSocket open;

  private SampleApp(Map<String, Integer> ports, String revert, int gate, String image) {
    this.ports = ports;
    this.revert = revert;
    this.gate = gate;
    this.image = image;
  }

  /**
   * The app for one scenario.
   *
   * @param environments the pipeline's environments, in promotion order
   * @param revert the environments' {@code rollback.revert} policy: off, main or branch
   */
  public static SampleApp create(List<String> environments, String revert) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String environment : environments) {
      ports.put(environment, freePort());
    }
    return new SampleApp(ports, revert, freePort(), null);
  }

  /**
   * The image variant for one scenario, under a name of its own (its images are told apart from
   * other runs', and removed by the driver that built them).
   *
   * @param environments the pipeline's environments, in promotion order
   */
  public static SampleApp images(List<String> environments) {
    SampleApp app = create(environments, "off");
    return new SampleApp(
        app.ports, "off", app.gate, "simg" + Long.toHexString(System.nanoTime() & 0xffffff));
  }

  /** Whether this is the image variant: the release is an image. */
  public boolean isImage() {
    return image != null;
  }

  /** The pipeline's name. */
  public String name() {
    return image != null ? image : "sample";
  }

  /** The environments, in promotion order. */
  public List<String> environments() {
    return List.copyOf(ports.keySet());
  }

  /** The environment's stable port. */
  public int port(String environment) {
    Integer port = ports.get(environment);
    if (port == null) {
      throw new IllegalArgumentException("the sample app has no environment " + environment);
    }
    return port;
  }

  /** The gate port of {@link #HOLD_UNTIL}: closed until {@link #openGate}. */
  public int gate() {
    return gate;
  }

  /** Opens the gate: listens on its port until {@link #close}, so held releases turn healthy. */
  public void openGate() throws IOException {
    open = new ServerSocket(gate, 50, InetAddress.getLoopbackAddress());
  }

  /** Closes the gate. */
  @Override
  public void close() throws IOException {
    if (open != null) {
      open.close();
    }
  }

  /** The files of the first commit: the app and the pipeline file. */
  public Map<String, String> files() {
    if (isImage()) {
      return Map.of(
          "Containerfile", resource("image/Containerfile"),
          "app/start.sh", resource("image/start.sh"),
          "app/health", resource("image/health"),
          "app/migrate.sh", resource("image/migrate.sh"),
          "cairn.yml", pipeline());
    }
    return Map.of("app/app.py", resource("app.py"), "cairn.yml", pipeline());
  }

  /** The pipeline file, {@code cairn.yml}. */
  public String pipeline() {
    String variant = isImage() ? "image/" : "";
    String environment = resource(variant + "environment.yml");
    String environments =
        ports.entrySet().stream()
            .map(
                e ->
                    environment
                        .replace("@NAME@", e.getKey())
                        .replace("@PORT@", Integer.toString(e.getValue()))
                        .replace("@REVERT@", revert)
                        .stripTrailing())
            .collect(Collectors.joining("\n"));
    return resource(variant + "cairn.yml")
        .replace("@APP@", name())
        .replace("@ENVIRONMENTS@", environments);
  }

  /** What the environment's stable port answers on {@code /version}, or empty. */
  public Optional<String> served(String environment) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(environment) + "/version"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String resource(String name) {
    try (InputStream in = SampleApp.class.getResourceAsStream("/behaviour/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the test resource behaviour/" + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stable port as a user would choose one: below the ephemeral range (LoopbackPorts). */
  private static int freePort() {
    try {
      return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
