package dev.cairn.aws.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.EmulatorClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * The alarm half of the bake's checks against a loopback server that answers CloudWatch's wire
 * protocol. The SDK (2.57.8) speaks Smithy RPC v2 CBOR to CloudWatch, which moto 5.2.1 does not
 * serve (it answers 404), so {@code DescribeAlarms} cannot run against moto; this server decodes
 * nothing, keeps the requests and answers what CloudWatch would, in CBOR.
 */
class AwsStackHealthAlarmsTest {
  private HttpServer server;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private volatile String firingName;
  private AwsStackHealth health;
  private CloudWatchClient cloudWatch;

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestURI().getPath());
          bodies.add(exchange.getRequestBody().readAllBytes());
          byte[] answer = status.get() == 200 ? alarms(firingName) : error();
          exchange.getResponseHeaders().add("Content-Type", "application/cbor");
          exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
          exchange.sendResponseHeaders(status.get(), answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    cloudWatch =
        EmulatorClients.configure(CloudWatchClient.builder(), endpoint)
            .httpClientBuilder(ApacheHttpClient.builder())
            .build();
    // The target half is not used here (it runs against moto in AwsStackHealthTest).
    health =
        new AwsStackHealth(
            EmulatorClients.configure(ElasticLoadBalancingV2Client.builder(), endpoint)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build(),
            cloudWatch);
  }

  @AfterEach
  void tearDown() {
    cloudWatch.close();
    server.stop(0);
  }

  private static byte[] alarms(String firing) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator cbor = new CBORFactory().createGenerator(bytes)) {
      cbor.writeStartObject();
      cbor.writeArrayFieldStart("MetricAlarms");
      if (firing != null) {
        cbor.writeStartObject();
        cbor.writeStringField("AlarmName", firing);
        cbor.writeStringField("StateValue", "ALARM");
        cbor.writeStringField("StateReason", "Threshold Crossed: 7 5xx answers");
        cbor.writeEndObject();
      }
      cbor.writeEndArray();
      cbor.writeArrayFieldStart("CompositeAlarms");
      cbor.writeEndArray();
      cbor.writeEndObject();
    }
    return bytes.toByteArray();
  }

  private static byte[] error() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator cbor = new CBORFactory().createGenerator(bytes)) {
      cbor.writeStartObject();
      cbor.writeStringField("__type", "AccessDenied");
      cbor.writeStringField("message", "not authorized to perform cloudwatch:DescribeAlarms");
      cbor.writeEndObject();
    }
    return bytes.toByteArray();
  }

  @Test
  void anAlarmInStateAlarmFiresWithItsReason() {
    firingName = "notes-production-5xx";

    List<String> firing = health.firing(List.of("notes-production-5xx", "notes-production-p99"));

    assertThat(firing).containsExactly("notes-production-5xx (Threshold Crossed: 7 5xx answers)");
    assertThat(paths)
        .containsExactly("/service/GraniteServiceVersion20100801/operation/DescribeAlarms");
    // The request names the alarms and asks for those in ALARM (CBOR text strings are UTF-8).
    String request = new String(bodies.get(0), StandardCharsets.UTF_8);
    assertThat(request).contains("notes-production-5xx", "notes-production-p99", "ALARM");
  }

  @Test
  void noAlarmFiringIsAnEmptyList() {
    assertThat(health.firing(List.of("notes-production-5xx"))).isEmpty();
  }

  @Test
  void moreThanAHundredNamesTakeSeveralCalls() {
    List<String> names =
        java.util.stream.IntStream.range(0, 150).mapToObj(i -> "alarm-" + i).toList();

    health.firing(names);

    assertThat(paths).hasSize(2);
  }

  @Test
  void aRefusedCallIsAnAwsErrorThatNeedsAPerson() {
    status.set(400);

    assertThatThrownBy(() -> health.firing(List.of("notes-production-5xx")))
        .isInstanceOfSatisfying(
            AwsException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("CloudWatch DescribeAlarms");
            });
  }
}
