package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.local.secret.CairnCredentials;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the running {@code cairn serve} listens: written to {@code CAIRN_HOME/server.json} when it
 * starts, read by the commands that ask it to act ({@code deploy}, {@code rollback}).
 */
final class ServerAddress {
  private ServerAddress() {}

  /**
   * Records where the server listens and what isolation its build jobs have ({@code cairn status}
   * shows it). The API token is not here: it is in Cairn's credential store.
   */
  static void write(Path home, String host, int port, JsonNode isolation) throws IOException {
    ObjectNode address = Json.object();
    // A wildcard bind is reached on loopback by the local CLI.
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    address.put(
        "url",
        "http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port);
    address.set("isolation", isolation);
    Files.writeString(home.resolve("server.json"), Json.write(address));
  }

  /** The API token of the Cairn of {@code home}, from its credential store. */
  static String token(Path home) {
    return CairnCredentials.open(home)
        .get(CairnCredentials.API_TOKEN)
        .orElseThrow(
            () ->
                new UserInputException(
                    "no API token in "
                        + CairnCredentials.directory(home)
                        + " (it is created when 'cairn serve' starts; run this command as the"
                        + " user running it)"));
  }

  /** POSTs to the running server and returns its JSON answer. */
  static JsonNode post(String path, JsonNode body) {
    Path file = CairnHome.path().resolve("server.json");
    if (!Files.exists(file)) {
      throw new UserInputException(
          "no Cairn server has run with CAIRN_HOME=" + CairnHome.path() + " (start: cairn serve)");
    }
    try {
      String url = Json.parse(Files.readString(file)).path("url").asText();
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url + path))
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + token(CairnHome.path()))
                      .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode answer = Json.parse(response.body());
      if (response.statusCode() >= 400) {
        throw new UserInputException(answer.path("error").asText(response.body()));
      }
      return answer;
    } catch (java.io.UncheckedIOException e) {
      throw new UserInputException(
          "cannot read the API token (run this command as the user running 'cairn serve')");
    } catch (IOException e) {
      throw new UserInputException(
          "the Cairn server is not reachable (is 'cairn serve' running?): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserInputException("interrupted");
    }
  }
}
