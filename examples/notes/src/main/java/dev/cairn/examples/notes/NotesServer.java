package dev.cairn.examples.notes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The notes HTTP service: {@code /notes}, {@code /notes/{id}}, {@code /health} and {@code
 * /version}, one virtual thread per request.
 */
public final class NotesServer implements AutoCloseable {
  /** The file whose presence in the working directory makes /health fail (demo switch). */
  public static final String FAIL_HEALTH_FILE = "FAIL_HEALTH";

  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int MAX_TEXT_CHARS = 10_000;
  private static final long HEALTH_TIMEOUT_MILLIS = 1_000;
  private static final int STOP_GRACE_SECONDS = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Settings settings;
  private final Path workingDirectory;
  private final PrintStream log;
  private final Database database;
  private final NoteStore notes;
  private final VersionInfo version;

  private NotesServer(Settings settings, Path workingDirectory, PrintStream log)
      throws IOException {
    this.settings = settings;
    this.workingDirectory = workingDirectory;
    this.log = log;
    this.database = new Database(settings);
    this.notes = new NoteStore(database);
    this.version = VersionInfo.resolve(settings.commit());
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.server = HttpServer.create(new InetSocketAddress(settings.port()), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Starts serving. The server does not migrate the database: that is the {@code migrate} command's
   * job, run before a release takes traffic.
   *
   * @param settings the configuration
   * @param workingDirectory where the {@value #FAIL_HEALTH_FILE} switch file is looked for
   * @param log where one line per request goes
   * @return the running server
   * @throws IOException when the port cannot be bound
   */
  public static NotesServer start(Settings settings, Path workingDirectory, PrintStream log)
      throws IOException {
    NotesServer notesServer = new NotesServer(settings, workingDirectory, log);
    notesServer.server.start();
    log.println(
        Instant.now()
            + " notes "
            + notesServer.version.version()
            + " (commit "
            + notesServer.version.commit()
            + ") listening on port "
            + notesServer.port());
    return notesServer;
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting requests, lets running ones finish for a moment, and stops. */
  @Override
  public void close() {
    server.stop(STOP_GRACE_SECONDS);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    Response response;
    String failure = null;
    try {
      response = route(exchange);
    } catch (Json.JsonException | BadRequest e) {
      response = Response.error(400, e.getMessage());
    } catch (SQLException e) {
      failure = e.getMessage();
      response = Response.error(503, "the database is unavailable");
    } catch (RuntimeException e) {
      failure = e.toString();
      response = Response.error(500, "internal error");
    }
    try {
      send(exchange, response);
    } finally {
      exchange.close();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      // The raw path keeps percent-escapes, so a request cannot forge extra log lines.
      log.println(
          Instant.now()
              + " "
              + exchange.getRequestMethod()
              + " "
              + exchange.getRequestURI().getRawPath()
              + " "
              + response.status()
              + " "
              + millis
              + "ms"
              + (failure == null ? "" : " error=" + failure.replaceAll("\\s+", " ")));
    }
  }

  private Response route(HttpExchange exchange) throws IOException, SQLException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/health")) {
      return method.equals("GET") ? health() : notAllowed("GET");
    }
    if (path.equals("/version")) {
      return method.equals("GET") ? new Response(200, version.toJson()) : notAllowed("GET");
    }
    if (path.equals("/notes")) {
      return switch (method) {
        case "GET" -> listNotes();
        case "POST" -> addNote(exchange);
        default -> notAllowed("GET, POST");
      };
    }
    if (path.startsWith("/notes/")) {
      if (!method.equals("GET")) {
        return notAllowed("GET");
      }
      return findNote(path.substring("/notes/".length()));
    }
    return Response.error(404, "no such resource");
  }

  private static Response notAllowed(String allow) {
    return Response.methodNotAllowed(allow);
  }

  private Response listNotes() throws SQLException {
    List<Note> all = notes.list();
    return new Response(
        200, all.stream().map(Note::toJson).collect(Collectors.joining(",", "[", "]")));
  }

  private Response addNote(HttpExchange exchange) throws IOException, SQLException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      return Response.error(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (!(Json.parse(new String(body, StandardCharsets.UTF_8)) instanceof Map<?, ?> object)) {
      throw new BadRequest("the body must be a JSON object such as {\"text\": \"...\"}");
    }
    if (!(object.get("text") instanceof String text) || text.isBlank()) {
      throw new BadRequest("\"text\" must be a non-empty string");
    }
    if (text.length() > MAX_TEXT_CHARS) {
      throw new BadRequest("\"text\" must be at most " + MAX_TEXT_CHARS + " characters");
    }
    if (text.indexOf('\0') >= 0) {
      // PostgreSQL text cannot hold NUL; refuse it as the client's error, not a database failure.
      throw new BadRequest("\"text\" must not contain NUL characters");
    }
    Note note = notes.add(text);
    exchange.getResponseHeaders().set("Location", "/notes/" + note.id());
    return new Response(201, note.toJson());
  }

  private Response findNote(String idText) throws SQLException {
    if (!idText.matches("[0-9]{1,18}")) {
      return Response.error(404, "no such note");
    }
    long id = Long.parseLong(idText);
    return notes
        .find(id)
        .map(note -> new Response(200, note.toJson()))
        .orElseGet(() -> Response.error(404, "no such note"));
  }

  private Response health() {
    if (settings.healthFailSwitch()) {
      return failing("NOTES_HEALTH_FAIL=1 is set");
    }
    if (Files.exists(workingDirectory.resolve(FAIL_HEALTH_FILE))) {
      return failing("the file " + FAIL_HEALTH_FILE + " exists in the working directory");
    }
    FutureTask<Void> check =
        new FutureTask<>(
            () -> {
              try (Connection connection = database.connect();
                  Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(1);
                statement.execute("select 1");
              }
              return null;
            });
    Thread.ofVirtual().name("health-check").start(check);
    try {
      check.get(HEALTH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return new Response(200, "{\"status\":\"ok\"}");
    } catch (TimeoutException e) {
      check.cancel(true);
      return unavailable("the database did not answer select 1 within 1s");
    } catch (ExecutionException e) {
      return unavailable("the database is unreachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("the health check was interrupted");
    }
  }

  private static Response failing(String reason) {
    return new Response(
        500, "{\"status\":\"failing\",\"reason\":" + Json.quote("demo switch: " + reason) + "}");
  }

  private static Response unavailable(String reason) {
    return new Response(503, "{\"status\":\"unavailable\",\"reason\":" + Json.quote(reason) + "}");
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    if (response.allow() != null) {
      exchange.getResponseHeaders().set("Allow", response.allow());
    }
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private record Response(int status, String body, String allow) {
    Response(int status, String body) {
      this(status, body, null);
    }

    static Response error(int status, String message) {
      return new Response(status, "{\"error\":" + Json.quote(message) + "}");
    }

    static Response methodNotAllowed(String allow) {
      return new Response(405, "{\"error\":\"method not allowed\"}", allow);
    }
  }

  /** The request is malformed: the client must change it. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
