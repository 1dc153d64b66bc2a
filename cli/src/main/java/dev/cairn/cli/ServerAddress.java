package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  static void write(Path home, String host, int port) throws IOException {
    ObjectNode address = Json.object();
    address.put("url", "http://" + host + ":" + port);
    Files.writeString(home.resolve("server.json"), Json.write(address));
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
                      .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode answer = Json.parse(response.body());
      if (response.statusCode() >= 400) {
        throw new UserInputException(answer.path("error").asText(response.body()));
      }
      return answer;
    } catch (IOException e) {
      throw new UserInputException(
          "the Cairn server is not reachable (is 'cairn serve' running?): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserInputException("interrupted");
    }
  }
}
