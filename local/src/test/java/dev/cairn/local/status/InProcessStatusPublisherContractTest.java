package dev.cairn.local.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import dev.cairn.pipeline.port.StatusPublisherContract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class InProcessStatusPublisherContractTest extends StatusPublisherContract {
  private final Map<StatusPublisher, List<StatusMessage>> received = new IdentityHashMap<>();

  @Override
  protected StatusPublisher newPublisher() {
    InProcessStatusPublisher publisher = new InProcessStatusPublisher();
    List<StatusMessage> inbox = new CopyOnWriteArrayList<>();
    publisher.subscribe(inbox::add);
    received.put(publisher, inbox);
    return publisher;
  }

  @Override
  protected List<StatusMessage> awaitReceived(StatusPublisher publisher, int count) {
    // Delivery is synchronous: everything published has arrived when publish returned.
    List<StatusMessage> inbox = received.get(publisher);
    assertThat(inbox).hasSize(count);
    return new ArrayList<>(inbox);
  }

  @Test
  void aFailingSubscriberDoesNotStopTheOthersAndClosingUnsubscribes() throws Exception {
    InProcessStatusPublisher publisher = new InProcessStatusPublisher();
    List<StatusMessage> inbox = new ArrayList<>();
    publisher.subscribe(
        m -> {
          throw new IllegalStateException("dashboard down");
        });
    AutoCloseable subscription = publisher.subscribe(inbox::add);
    StatusMessage message =
        new StatusMessage("r", "c", null, StatusMessage.State.PENDING, "building", Instant.EPOCH);

    publisher.publish(message);
    subscription.close();
    publisher.publish(message);

    assertThat(inbox).containsExactly(message);
  }
}
