package dev.cairn.aws.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.SecretStoreContract;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The secret store contract on moto's Secrets Manager, plus caching and secrecy of failures. */
@ExtendWith(MotoExtension.class)
class SecretsManagerSecretStoreContractTest extends SecretStoreContract {
  private static final String CANARY = "canary-" + UUID.randomUUID();
  private static SecretsManagerClient client;

  @BeforeAll
  static void connect() {
    client = EmulatorClients.secretsManager();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Override
  protected SecretStore newStore() {
    return SecretsManagerSecretStore.builder()
        .client(client)
        .prefix("cairn/app-" + UUID.randomUUID())
        .build();
  }

  @Override
  protected SecretStore reopen(SecretStore store) {
    return SecretsManagerSecretStore.builder()
        .client(client)
        .prefix(((SecretsManagerSecretStore) store).prefix())
        .build();
  }

  @Test
  void namesArePrefixedPerApplication() {
    SecretsManagerSecretStore store = (SecretsManagerSecretStore) store();
    store.put("db.password", "pw");

    assertThat(store.prefix()).startsWith("cairn/app-").endsWith("/");
    assertThat(
            client.getSecretValue(b -> b.secretId(store.prefix() + "db.password")).secretString())
        .isEqualTo("pw");
  }

  @Test
  void valuesAreCachedBrieflyThenFetchedAgain() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    String prefix = "cairn/cache-" + UUID.randomUUID() + "/";
    SecretsManagerSecretStore store =
        SecretsManagerSecretStore.builder()
            .client(client)
            .prefix(prefix)
            .cacheFor(Duration.ofSeconds(30))
            .clock(clock)
            .build();
    store.put("token", "first");
    // Rotated behind the store's back, as Secrets Manager rotation would.
    client.putSecretValue(b -> b.secretId(prefix + "token").secretString("rotated"));

    assertThat(store.get("token")).contains("first");
    now.set(now.get().plusSeconds(31));
    assertThat(store.get("token")).contains("rotated");
  }

  @Test
  void aSecretMarkedForDeletionNeedsAPerson() {
    String prefix = "cairn/deleted-" + UUID.randomUUID();
    SecretsManagerSecretStore store =
        SecretsManagerSecretStore.builder()
            .client(client)
            .prefix(prefix)
            .cacheFor(Duration.ZERO)
            .build();
    store.put("doomed", CANARY);
    client.deleteSecret(b -> b.secretId(store.secretId("doomed")).recoveryWindowInDays(7L));

    Throwable refused = catchThrowable(() -> store.get("doomed"));

    assertThat(refused)
        .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("GetSecretValue of secret '" + store.secretId("doomed") + "'");
    assertThat(everything(refused)).doesNotContain(CANARY);
  }

  @Test
  void aRefusalThatEchoesTheRequestDoesNotLeakTheValue() throws Exception {
    // The worst case: a service whose validation message repeats the request body.
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer echo =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    echo.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          bodies.add(body);
          byte[] answer =
              ("{\"__type\":\"ValidationException\",\"message\":\"bad request: "
                      + body.replace("\"", "'")
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(400, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    echo.start();
    try (SecretsManagerClient echoing =
        EmulatorClients.configure(
                SecretsManagerClient.builder(),
                URI.create("http://127.0.0.1:" + echo.getAddress().getPort()))
            .build()) {
      SecretsManagerSecretStore store =
          SecretsManagerSecretStore.builder().client(echoing).prefix("cairn/echo").build();

      Throwable refused = catchThrowable(() -> store.put("token", CANARY));

      assertThat(bodies).anyMatch(body -> body.contains(CANARY));
      assertThat(refused)
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isFalse())
          .hasMessageContaining("ValidationException")
          .hasMessageContaining("cairn/echo/token");
      assertThat(everything(refused)).doesNotContain(CANARY);
    } finally {
      echo.stop(0);
    }
  }

  @Test
  void anUnreachableSecretsManagerIsRetryableAndLeaksNoValue() {
    try (SecretsManagerClient dead =
        EmulatorClients.configure(SecretsManagerClient.builder(), URI.create("http://127.0.0.1:1"))
            .build()) {
      SecretsManagerSecretStore store =
          SecretsManagerSecretStore.builder().client(dead).prefix("cairn/x").build();

      Throwable failed = catchThrowable(() -> store.put("token", CANARY));

      assertThat(failed)
          .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.retryable()).isTrue());
      assertThat(everything(failed)).doesNotContain(CANARY);
    }
  }

  /** The throwable as a person could ever see it: messages, causes and stack trace. */
  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out + String.valueOf(t);
  }
}
