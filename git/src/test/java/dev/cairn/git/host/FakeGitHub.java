package dev.cairn.git.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's REST API for commit statuses and deployments, in memory on loopback, for tests: it
 * checks what a real GitHub checks that matters here (the path's repository, the bearer token, JSON
 * bodies, the fields' names and values) and answers as GitHub does, and it can be told to answer
 * the next requests with an error (a 5xx, a rate limit) first.
 */
public final class FakeGitHub implements AutoCloseable {
  private static final Pattern STATUSES = Pattern.compile("/statuses/([0-9a-f]{40})");
  private static final Pattern DEPLOYMENTS = Pattern.compile("/deployments");
  private static final Pattern DEPLOYMENT_STATUSES =
      Pattern.compile("/deployments/(\\d+)/statuses");

  /**
   * A request as received.
   *
   * @param method e.g. POST
   * @param path the path after {@code /repos/OWNER/NAME}, with the query
   * @param authorization the Authorization header
   * @param body the body, or null
   */
  public record Request(String method, String path, String authorization, JsonNode body) {}

  /**
   * A commit status as stored.
   *
   * @param sha the commit
   * @param state e.g. success
   * @param context e.g. cairn/build
   * @param description the description
   * @param targetUrl the link, or null
   */
  public record Status(
      String sha, String state, String context, String description, String targetUrl) {}

  /**
   * A deployment as stored, with its statuses in order.
   *
   * @param id its id
   * @param sha the commit
   * @param environment the environment
   * @param run the run in its payload
   * @param states its statuses' states, oldest first
   * @param environmentUrls the environment_url of each status (null where none)
   */
  public record Deployment(
      long id,
      String sha,
      String environment,
      String run,
      List<String> states,
      List<String> environmentUrls) {}

  private record Forced(int code, Map<String, String> headers) {}

  private final HttpServer server;
  private final String repository;
  private final String token;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Status> statuses = new CopyOnWriteArrayList<>();
  private final List<Deployment> deployments = new CopyOnWriteArrayList<>();
  private final Deque<Forced> forced = new ConcurrentLinkedDeque<>();

  private FakeGitHub(String repository, String token) throws IOException {
    this.repository = repository;
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a fake of {@code repository} ({@code owner/name}) accepting only {@code token}. */
  public static FakeGitHub start(String repository, String token) throws IOException {
    return new FakeGitHub(repository, token);
  }

  /** The API's base URL (what {@code https://api.github.com} is for the real one). */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next request is answered with {@code code} and these headers, before any other check. */
  public void failNext(int code, Map<String, String> headers) {
    forced.add(new Forced(code, Map.copyOf(headers)));
  }

  /** Every request received, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The commit statuses created, in order. */
  public List<Status> statuses() {
    return List.copyOf(statuses);
  }

  /** The deployments created, with their statuses so far. */
  public List<Deployment> deployments() {
    return List.copyOf(deployments);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String raw = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String prefix = "/repos/" + repository;
      JsonNode body = null;
      byte[] bytes = exchange.getRequestBody().readAllBytes();
      if (bytes.length > 0) {
        body = Json.parse(new String(bytes, StandardCharsets.UTF_8));
      }
      String path = raw.startsWith(prefix) ? raw.substring(prefix.length()) : raw;
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              path + (query == null ? "" : "?" + query),
              exchange.getRequestHeaders().getFirst("Authorization"),
              body));
      Forced next = forced.poll();
      if (next != null) {
        next.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        answer(exchange, next.code(), message("forced failure"));
        return;
      }
      if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        answer(exchange, 401, message("Bad credentials"));
        return;
      }
      if (!raw.startsWith(prefix + "/")) {
        answer(exchange, 404, message("Not Found"));
        return;
      }
      answer(exchange, route(exchange.getRequestMethod(), path, query, body));
    }
  }

  private Answer route(String method, String path, String query, JsonNode body) {
    Matcher m;
    if (method.equals("POST") && (m = STATUSES.matcher(path)).matches()) {
      String state = body.path("state").asText();
      if (!List.of("pending", "success", "failure", "error").contains(state)
          || body.path("description").asText().length() > 140
          || !body.path("context").asText().startsWith("cairn/")) {
        return new Answer(422, message("Validation Failed"));
      }
      statuses.add(
          new Status(
              m.group(1),
              state,
              body.path("context").asText(),
              body.path("description").asText(),
              body.path("target_url").asText(null)));
      return new Answer(201, body);
    }
    if (method.equals("POST") && DEPLOYMENTS.matcher(path).matches()) {
      if (!body.path("auto_merge").isBoolean()
          || body.path("auto_merge").asBoolean()
          || !body.path("required_contexts").isArray()
          || body.path("environment").asText().isEmpty()) {
        return new Answer(422, message("Validation Failed"));
      }
      Deployment d =
          new Deployment(
              deployments.size() + 1000L,
              body.path("ref").asText(),
              body.path("environment").asText(),
              body.path("payload").path("run").asText(null),
              new CopyOnWriteArrayList<>(),
              new CopyOnWriteArrayList<>());
      deployments.add(d);
      return new Answer(201, json(d));
    }
    if (method.equals("GET") && DEPLOYMENTS.matcher(path).matches()) {
      Map<String, String> params = params(query);
      ArrayNode list = Json.array();
      // Newest first, as GitHub lists them.
      for (Deployment d : deployments.reversed()) {
        if ((!params.containsKey("sha") || params.get("sha").equals(d.sha()))
            && (!params.containsKey("environment")
                || params.get("environment").equals(d.environment()))) {
          list.add(json(d));
        }
      }
      return new Answer(200, list);
    }
    if ((m = DEPLOYMENT_STATUSES.matcher(path)).matches()) {
      long id = Long.parseLong(m.group(1));
      Deployment d = deployments.stream().filter(x -> x.id() == id).findFirst().orElse(null);
      if (d == null) {
        return new Answer(404, message("Not Found"));
      }
      if (method.equals("GET")) {
        ArrayNode list = Json.array();
        for (int i = d.states().size() - 1; i >= 0; i--) {
          list.addObject().put("state", d.states().get(i));
        }
        return new Answer(200, list);
      }
      String state = body.path("state").asText();
      if (!List.of("error", "failure", "inactive", "in_progress", "queued", "pending", "success")
          .contains(state)) {
        return new Answer(422, message("Validation Failed"));
      }
      d.states().add(state);
      d.environmentUrls().add(body.path("environment_url").asText(null));
      return new Answer(201, body);
    }
    return new Answer(404, message("Not Found"));
  }

  private static Map<String, String> params(String query) {
    Map<String, String> params = new HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  private static ObjectNode json(Deployment d) {
    ObjectNode o = Json.object();
    o.put("id", d.id());
    o.put("sha", d.sha());
    o.put("environment", d.environment());
    ObjectNode payload = o.putObject("payload");
    if (d.run() != null) {
      payload.put("run", d.run());
    }
    return o;
  }

  private static ObjectNode message(String text) {
    ObjectNode o = Json.object();
    o.put("message", text);
    return o;
  }

  private record Answer(int code, JsonNode body) {}

  private static void answer(HttpExchange exchange, Answer answer) throws IOException {
    answer(exchange, answer.code(), answer.body());
  }

  private static void answer(HttpExchange exchange, int code, JsonNode body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Statuses of one context, in order. */
  public List<String> states(String context) {
    List<String> states = new ArrayList<>();
    for (Status s : statuses) {
      if (s.context().equals(context)) {
        states.add(s.state());
      }
    }
    return states;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
