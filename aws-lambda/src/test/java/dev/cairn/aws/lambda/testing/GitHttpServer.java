package dev.cairn.aws.lambda.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A git host on loopback for tests: serves bare repositories over git's smart HTTP protocol
 * (version 0: {@code info/refs}, {@code git-upload-pack}, {@code git-receive-pack}) with JGit's own
 * {@link UploadPack} and {@link ReceivePack}, behind HTTP Basic authentication that accepts one
 * token (any user name, like GitHub). Counts refused requests, so tests can prove the token was
 * checked.
 */
public final class GitHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final String token;
  private final Map<String, Path> repositories = new ConcurrentHashMap<>();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final AtomicInteger pushes = new AtomicInteger();
  private volatile BiConsumer<String, ReceiveCommand> onPush = (name, command) -> {};

  private GitHttpServer(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server that accepts {@code token}. */
  public static GitHttpServer start(String token) throws IOException {
    return new GitHttpServer(token);
  }

  /** Serves the bare repository {@code directory} as {@code /<name>.git}; returns its URL. */
  public String serve(String name, Path directory) {
    repositories.put(name, directory);
    return uri().resolve("/" + name + ".git").toString();
  }

  /** The server's base URL. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /**
   * What to do after each ref a push updated (as GitHub sends its push webhook): called with the
   * repository's name and the update, once the refs are stored.
   */
  public void onPush(BiConsumer<String, ReceiveCommand> listener) {
    onPush = listener;
  }

  /** Requests refused for missing or wrong credentials. */
  public int unauthorizedRequests() {
    return unauthorized.get();
  }

  /** Pushes received (successful or not). */
  public int pushes() {
    return pushes.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        unauthorized.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      int dotGit = path.indexOf(".git/");
      Path directory = dotGit < 0 ? null : repositories.get(path.substring(1, dotGit));
      if (directory == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String action = path.substring(dotGit + ".git/".length());
      try (Repository repository =
          new FileRepositoryBuilder().setGitDir(directory.toFile()).setMustExist(true).build()) {
        if (action.equals("info/refs")) {
          advertise(exchange, repository, query(exchange));
        } else if (action.equals("git-upload-pack")) {
          respond(exchange, "application/x-git-upload-pack-result");
          UploadPack pack = new UploadPack(repository);
          pack.setBiDirectionalPipe(false);
          pack.upload(body(exchange), exchange.getResponseBody(), null);
        } else if (action.equals("git-receive-pack")) {
          pushes.incrementAndGet();
          respond(exchange, "application/x-git-receive-pack-result");
          ReceivePack pack = new ReceivePack(repository);
          pack.setBiDirectionalPipe(false);
          String name = path.substring(1, dotGit);
          pack.setPostReceiveHook(
              (receive, commands) ->
                  commands.stream()
                      .filter(c -> c.getResult() == ReceiveCommand.Result.OK)
                      .forEach(c -> onPush.accept(name, c)));
          pack.receive(body(exchange), exchange.getResponseBody(), null);
        } else {
          exchange.sendResponseHeaders(404, -1);
        }
      }
    }
  }

  private void advertise(HttpExchange exchange, Repository repository, String service)
      throws IOException {
    if (!service.equals("git-upload-pack") && !service.equals("git-receive-pack")) {
      exchange.sendResponseHeaders(403, -1);
      return;
    }
    respond(exchange, "application/x-" + service + "-advertisement");
    OutputStream out = exchange.getResponseBody();
    PacketLineOut packets = new PacketLineOut(out);
    packets.writeString("# service=" + service + "\n");
    packets.end();
    RefAdvertiser.PacketLineOutRefAdvertiser advertiser =
        new RefAdvertiser.PacketLineOutRefAdvertiser(packets);
    if (service.equals("git-upload-pack")) {
      UploadPack pack = new UploadPack(repository);
      pack.setBiDirectionalPipe(false);
      pack.sendAdvertisedRefs(advertiser);
    } else {
      ReceivePack pack = new ReceivePack(repository);
      pack.setBiDirectionalPipe(false);
      pack.sendAdvertisedRefs(advertiser);
    }
  }

  private static String query(HttpExchange exchange) {
    String query = exchange.getRequestURI().getQuery();
    return query != null && query.startsWith("service=") ? query.substring(8) : "";
  }

  private static void respond(HttpExchange exchange, String contentType) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
  }

  private static InputStream body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    return "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
        ? new GZIPInputStream(in)
        : in;
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return colon > 0 && decoded.substring(colon + 1).equals(token);
  }
}
