package dev.cairn.aws.testing;

import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ, an SQS emulator, embedded in the test JVM on a free loopback port: started once per
 * JVM on first use, stopped at JVM exit. Its queues are shared by all tests of the JVM, so tests
 * create queues with unique names.
 */
public final class ElasticMq {
  private static SQSRestServer server;
  private static URI endpoint;

  private ElasticMq() {}

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}; starts the server on first use. */
  public static synchronized URI endpoint() {
    if (server == null) {
      long started = System.nanoTime();
      int port = FreePort.pick();
      server =
          SQSRestServerBuilder.withInterface("127.0.0.1")
              .withPort(port)
              // Queue URLs name this address, so clients that follow them stay on loopback.
              .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
              .withAWSRegion("us-east-1")
              .withAWSAccountId("000000000000")
              .start();
      // Blocks until the port is bound: no polling needed for the in-JVM server.
      server.waitUntilStarted();
      endpoint = URI.create("http://127.0.0.1:" + port);
      System.err.printf(
          "elasticmq ready at %s in %d ms (in this JVM)%n",
          endpoint, (System.nanoTime() - started) / 1_000_000);
      SQSRestServer running = server;
      Runtime.getRuntime().addShutdownHook(new Thread(running::stopAndWait, "stop-elasticmq"));
    }
    return endpoint;
  }
}
