package dev.cairn.aws.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.AwsException;
import dev.cairn.aws.testing.CloudWatchAlarmsStub;
import dev.cairn.aws.testing.EmulatorClients;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * The alarm half of the bake's checks against {@link CloudWatchAlarmsStub}, a loopback server
 * speaking CloudWatch's wire protocol: the SDK (2.57.8) speaks Smithy RPC v2 CBOR to CloudWatch,
 * which moto 5.2.1 does not serve, so {@code DescribeAlarms} cannot run against moto.
 */
class AwsStackHealthAlarmsTest {
  private CloudWatchAlarmsStub cloudWatchServer;
  private CloudWatchClient cloudWatch;
  private ElasticLoadBalancingV2Client unused;
  private AwsStackHealth health;

  @BeforeEach
  void setUp() {
    cloudWatchServer = new CloudWatchAlarmsStub();
    cloudWatch = cloudWatchServer.client();
    // The target half is not used here (it runs against moto in AwsStackHealthTest).
    unused =
        EmulatorClients.configure(
                ElasticLoadBalancingV2Client.builder(), cloudWatchServer.endpoint())
            .httpClientBuilder(ApacheHttpClient.builder())
            .build();
    health = new AwsStackHealth(unused, cloudWatch);
  }

  @AfterEach
  void tearDown() {
    cloudWatch.close();
    unused.close();
    cloudWatchServer.close();
  }

  @Test
  void anAlarmInStateAlarmFiresWithItsReason() {
    cloudWatchServer.alarm("notes-production-5xx", "Threshold Crossed: 7 5xx answers");

    List<String> firing = health.firing(List.of("notes-production-5xx", "notes-production-p99"));

    assertThat(firing).containsExactly("notes-production-5xx (Threshold Crossed: 7 5xx answers)");
    assertThat(cloudWatchServer.paths)
        .containsExactly("/service/GraniteServiceVersion20100801/operation/DescribeAlarms");
    // The request names the alarms and asks for those in ALARM (CBOR text strings are UTF-8).
    String request = new String(cloudWatchServer.bodies.get(0), StandardCharsets.UTF_8);
    assertThat(request).contains("notes-production-5xx", "notes-production-p99", "ALARM");
  }

  @Test
  void noAlarmFiringIsAnEmptyList() {
    assertThat(health.firing(List.of("notes-production-5xx"))).isEmpty();
  }

  @Test
  void moreThanAHundredNamesTakeSeveralCalls() {
    health.firing(IntStream.range(0, 150).mapToObj(i -> "alarm-" + i).toList());

    assertThat(cloudWatchServer.paths).hasSize(2);
  }

  @Test
  void aRefusedCallIsAnAwsErrorThatNeedsAPerson() {
    cloudWatchServer.status(400);

    assertThatThrownBy(() -> health.firing(List.of("notes-production-5xx")))
        .isInstanceOfSatisfying(
            AwsException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("CloudWatch DescribeAlarms");
            });
  }
}
