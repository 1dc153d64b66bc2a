package dev.cairn.aws.lambda.webhook;

/**
 * Remembers the webhook deliveries already handled, so that a delivery GitHub sends twice (its
 * retries, a manual "redeliver") starts one run, not two. Claims must be atomic across concurrent
 * Lambda invocations.
 */
public interface DeliveryLedger {
  /**
   * Claims a delivery id.
   *
   * @return true when this call claimed it; false when it was claimed before
   */
  boolean claim(String deliveryId, String summary);

  /**
   * Forgets a claim, so that a delivery whose handling failed is accepted when GitHub resends it.
   */
  void release(String deliveryId);
}
