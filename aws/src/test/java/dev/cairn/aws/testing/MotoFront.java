package dev.cairn.aws.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A front of moto on loopback for JSON protocols: forwards every request to moto and keeps what
 * moto drops. For CodeBuild (JSON 1.1, the operation in {@code X-Amz-Target}): forwards every
 * request and keeps what moto drops (the requests' bodies and headers: moto's StartBuild keeps
 * neither the source override nor the environment variables). Tests make it do what a real build
 * would, which moto never does: on StartBuild {@link #onStart} (e.g. push an image manifest into
 * moto's ECR, write log lines into moto's CloudWatch Logs), and in BatchGetBuilds answers {@link
 * #logs} (the log group and stream CodeBuild names, moto names none) and {@link #rewrite} (a status
 * moto never gives: FAILED, FAULT, TIMED_OUT). docs/aws.md, "Release images", says what is moto's
 * and what is this front's.
 *
 * <p>For REST-JSON services such as Batch the operation is the path's last segment ({@code POST
 * /v1/describejobs} is {@code describejobs}); {@link #answers} reshapes the answer of an operation
 * into one moto never gives (a job still RUNNING: moto's Batch without Docker ends every job as it
 * is submitted).
 */
public final class MotoFront implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final URI target;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private final List<Map.Entry<String, JsonNode>> requests = new CopyOnWriteArrayList<>();

  /** Called with the request and moto's answer after each StartBuild moto accepted. */
  public volatile BiConsumer<JsonNode, JsonNode> onStart = (request, answer) -> {};

  /** Put into each build's {@code logs} in BatchGetBuilds answers (e.g. groupName). */
  public volatile Map<String, String> logs = Map.of();

  /** Applied to each build of BatchGetBuilds answers (e.g. a status moto never gives). */
  public volatile Consumer<ObjectNode> rewrite = build -> {};

  /**
   * Applied to moto's answer (a JSON object) of the operation named by the key, e.g. {@code
   * describejobs}.
   */
  public final Map<String, Consumer<ObjectNode>> answers =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A front of moto at {@code target}, on a free loopback port. */
  public MotoFront(URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Forgets the requests and the behaviour. */
  public void reset() {
    headers.clear();
    requests.clear();
    onStart = (request, answer) -> {};
    logs = Map.of();
    rewrite = build -> {};
    answers.clear();
  }

  /** Where clients send their requests. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The headers of every request, in order (names as the JDK's server spells them). */
  public List<Map<String, String>> headers() {
    return headers;
  }

  /** The bodies of the requests of {@code operation}, in order. */
  public List<JsonNode> requests(String operation) {
    return requests.stream()
        .filter(e -> e.getKey().equals(operation))
        .map(Map.Entry::getValue)
        .toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String path = exchange.getRequestURI().getRawPath();
      String operation =
          amzTarget != null
              ? amzTarget.substring(amzTarget.indexOf('.') + 1)
              : path.substring(path.lastIndexOf('/') + 1);
      Map<String, String> seen = new java.util.HashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> seen.put(k, v.get(0)));
      headers.add(seen);
      JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      requests.add(Map.entry(operation, request));
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve(path))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : List.of("Authorization", "X-Amz-Date", "X-Amz-Target", "Content-Type")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          forward.header(header, value);
        }
      }
      HttpResponse<byte[]> response =
          http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] answer = response.body();
      if (response.statusCode() == 200 && operation.equals("StartBuild")) {
        onStart.accept(request, JSON.readTree(answer));
      }
      if (response.statusCode() == 200 && operation.equals("BatchGetBuilds")) {
        ObjectNode builds = (ObjectNode) JSON.readTree(answer);
        for (JsonNode build : builds.path("builds")) {
          ObjectNode logNode = ((ObjectNode) build).with("logs");
          logs.forEach(logNode::put);
          rewrite.accept((ObjectNode) build);
        }
        answer = JSON.writeValueAsBytes(builds);
      }
      Consumer<ObjectNode> reshape = answers.get(operation);
      if (response.statusCode() == 200 && reshape != null) {
        ObjectNode reshaped = (ObjectNode) JSON.readTree(answer);
        reshape.accept(reshaped);
        answer = JSON.writeValueAsBytes(reshaped);
      }
      exchange
          .getResponseHeaders()
          .add(
              "Content-Type",
              response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.1"));
      exchange.sendResponseHeaders(response.statusCode(), answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      exchange.sendResponseHeaders(500, -1);
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
