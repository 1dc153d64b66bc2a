package dev.cairn.aws.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * A loopback server answering CloudWatch's {@code DescribeAlarms} in the SDK's wire protocol
 * (Smithy RPC v2 CBOR), which moto 5.2.1 does not serve (it answers 404). It decodes nothing: it
 * keeps each request's path and body and answers with the alarms a test set to {@code ALARM}
 * (CloudWatch itself filters by the names and state asked for; a test sets only names it asks).
 */
public final class CloudWatchAlarmsStub implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, String> alarming = new ConcurrentHashMap<>();
  private final Map<String, Integer> pending = new ConcurrentHashMap<>();
  private final Map<String, BooleanSupplier> conditions = new ConcurrentHashMap<>();
  private final AtomicInteger status = new AtomicInteger(200);

  /** The paths of the requests received, in order. */
  public final List<String> paths = new CopyOnWriteArrayList<>();

  /** The bodies of the requests received (CBOR: text strings are UTF-8), in order. */
  public final List<byte[]> bodies = new CopyOnWriteArrayList<>();

  /** Starts the server on a free loopback port. */
  public CloudWatchAlarmsStub() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestURI().getPath());
          bodies.add(exchange.getRequestBody().readAllBytes());
          pending.replaceAll((name, calls) -> calls - 1);
          pending.forEach(
              (name, calls) -> {
                if (calls < 0) {
                  alarming.putIfAbsent(name, "Threshold Crossed: 5xx answers");
                }
              });
          byte[] answer = status.get() == 200 ? alarms() : error();
          exchange.getResponseHeaders().add("Content-Type", "application/cbor");
          exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
          exchange.sendResponseHeaders(status.get(), answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
  }

  /** A CloudWatch client of this server (the emulators' region and credentials). */
  public CloudWatchClient client() {
    return EmulatorClients.configure(CloudWatchClient.builder(), endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** The server's address. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Puts an alarm into state ALARM with a reason. */
  public void alarm(String name, String reason) {
    alarming.put(name, reason);
  }

  /** Puts an alarm into state ALARM once {@code calls} more requests were answered without it. */
  public void alarmAfter(String name, int calls) {
    pending.put(name, calls);
  }

  /**
   * Puts an alarm into state ALARM for every request answered while {@code firing} holds (asked
   * once per request): what the alarm watches, e.g. whether the release a stack runs answers 5xx.
   */
  public void alarmWhile(String name, BooleanSupplier firing) {
    conditions.put(name, firing);
  }

  /** Puts every alarm back to OK. */
  public void clear() {
    alarming.clear();
    pending.clear();
    conditions.clear();
  }

  /** Answers every later request with this HTTP status (an error body unless 200). */
  public void status(int value) {
    status.set(value);
  }

  private byte[] alarms() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator cbor = new CBORFactory().createGenerator(bytes)) {
      cbor.writeStartObject();
      cbor.writeArrayFieldStart("MetricAlarms");
      Map<String, String> firing = new java.util.LinkedHashMap<>(alarming);
      conditions.forEach(
          (name, condition) -> {
            if (condition.getAsBoolean()) {
              firing.putIfAbsent(name, "Threshold Crossed: 5xx answers");
            }
          });
      for (Map.Entry<String, String> alarm : firing.entrySet()) {
        cbor.writeStartObject();
        cbor.writeStringField("AlarmName", alarm.getKey());
        cbor.writeStringField("StateValue", "ALARM");
        cbor.writeStringField("StateReason", alarm.getValue());
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

  @Override
  public void close() {
    server.stop(0);
  }
}
