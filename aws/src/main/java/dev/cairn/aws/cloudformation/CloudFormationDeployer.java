package dev.cairn.aws.cloudformation;

import dev.cairn.aws.AwsErrors;
import dev.cairn.aws.AwsException;
import dev.cairn.aws.NeedsPersonAwsException;
import dev.cairn.aws.RetryableAwsException;
import dev.cairn.pipeline.port.StackDeployer;
import dev.cairn.pipeline.port.StackRelease;
import dev.cairn.pipeline.port.StackResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * Deploys an application's AWS environment (e.g. ECS on Fargate behind a load balancer) by
 * CloudFormation change set: create a change set from the commit's template and the artifact's
 * parameters, wait until it is ready, execute it, wait until the stack settles. A failed update is
 * rolled back by CloudFormation itself; {@link #rollback} goes further and puts back the last good
 * commit's template and artifact, e.g. after a release that deployed but failed verification.
 *
 * <p>This is not the process-oriented {@code Deployer} port of the local runtime (releases side by
 * side behind a proxy): on AWS, the switch of traffic and the health checks belong to ECS and the
 * load balancer (the deployment circuit breaker), so the unit of work is a stack deployment.
 *
 * <p>A deployment that CloudFormation refuses or rolls back is a {@link StackResult} with outcome
 * FAILED; {@link AwsException}s are for when CloudFormation cannot be used (access denied,
 * throttling, a stack stuck in a state that needs a person).
 */
public final class CloudFormationDeployer implements StackDeployer {
  private static final List<String> NO_CHANGE_REASONS =
      List.of("didn't contain changes", "No updates are to be performed");

  private final CloudFormationClient cloudFormation;
  private final Duration pollInterval;
  private final Duration timeout;
  private final String roleArn;
  private final Clock clock;
  private final Pause pause;

  /** Waits between two polls; replaceable so tests do not wait. */
  @FunctionalInterface
  public interface Pause {
    /** Waits about {@code interval}. */
    void pause(Duration interval) throws InterruptedException;
  }

  private CloudFormationDeployer(Builder builder) {
    this.cloudFormation = Objects.requireNonNull(builder.cloudFormation, "cloudFormation");
    this.pollInterval = Objects.requireNonNull(builder.pollInterval, "pollInterval");
    this.timeout = Objects.requireNonNull(builder.timeout, "timeout");
    this.roleArn = builder.roleArn;
    this.clock = Objects.requireNonNull(builder.clock, "clock");
    this.pause = Objects.requireNonNull(builder.pause, "pause");
  }

  /** A builder; the client is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Deploys a release to its stack (creating the stack the first time).
   *
   * @throws AwsException when CloudFormation cannot be used, or the stack is busy (retryable) or
   *     stuck in a state only a person can clear (e.g. {@code ROLLBACK_COMPLETE} after a failed
   *     creation, {@code UPDATE_ROLLBACK_FAILED})
   * @throws InterruptedException when interrupted while waiting
   */
  @Override
  public StackResult deploy(StackRelease release) throws InterruptedException {
    Optional<Stack> existing = stack(release.stackName());
    ChangeSetType type = changeSetType(release.stackName(), existing);
    Instant started = clock.instant();
    String changeSetName =
        "cairn-"
            + release.commit().substring(0, Math.min(12, release.commit().length()))
            + "-"
            + started.toEpochMilli();
    String changeSetId;
    try {
      changeSetId =
          cloudFormation
              .createChangeSet(
                  b -> {
                    b.stackName(release.stackName())
                        .changeSetName(changeSetName)
                        .changeSetType(type)
                        .templateBody(release.templateBody())
                        .parameters(
                            release.parameters().entrySet().stream()
                                .map(
                                    e ->
                                        Parameter.builder()
                                            .parameterKey(e.getKey())
                                            .parameterValue(e.getValue())
                                            .build())
                                .toList())
                        .capabilities(
                            Capability.CAPABILITY_IAM,
                            Capability.CAPABILITY_NAMED_IAM,
                            Capability.CAPABILITY_AUTO_EXPAND)
                        .tags(
                            Tag.builder().key("cairn:commit").value(release.commit()).build(),
                            Tag.builder().key("cairn:artifact").value(release.artifact()).build())
                        .description("Cairn: commit " + release.commit());
                    if (roleArn != null) {
                      b.roleARN(roleArn);
                    }
                  })
              .id();
    } catch (CloudFormationException e) {
      if (NO_CHANGE_REASONS.stream().anyMatch(message(e)::contains)) {
        // Some implementations refuse an empty change set outright instead of failing it.
        return noChanges(release.stackName());
      }
      if (e.statusCode() == 400 && !e.isThrottlingException()) {
        // An invalid template or parameters: the commit's fault, a failed deployment.
        return failed(release.stackName(), existing, "change set refused: " + message(e));
      }
      throw translate("CreateChangeSet for stack " + release.stackName(), e);
    } catch (SdkException e) {
      throw translate("CreateChangeSet for stack " + release.stackName(), e);
    }

    DescribeChangeSetResponse changeSet = awaitChangeSet(release.stackName(), changeSetId);
    if (changeSet.status() == ChangeSetStatus.FAILED) {
      String reason = String.valueOf(changeSet.statusReason());
      if (NO_CHANGE_REASONS.stream().anyMatch(reason::contains)) {
        deleteChangeSet(changeSetId);
        return noChanges(release.stackName());
      }
      return failed(
          release.stackName(), stack(release.stackName()), "change set failed: " + reason);
    }

    try {
      cloudFormation.executeChangeSet(b -> b.changeSetName(changeSetId));
    } catch (SdkException e) {
      throw translate("ExecuteChangeSet " + changeSetName + " on " + release.stackName(), e);
    }
    Stack settled = awaitStack(release.stackName());
    String status = settled.stackStatusAsString();
    if (status.equals("CREATE_COMPLETE") || status.equals("UPDATE_COMPLETE")) {
      return new StackResult(
          StackResult.Outcome.DEPLOYED, settled.stackId(), status, null, outputs(settled));
    }
    return new StackResult(
        StackResult.Outcome.FAILED,
        settled.stackId(),
        status,
        firstFailure(release.stackName(), started).orElse("the stack ended " + status),
        outputs(settled));
  }

  /**
   * The stack's outputs now (DescribeStacks); empty when the stack does not exist.
   *
   * @throws AwsException when CloudFormation cannot be used
   */
  @Override
  public Map<String, String> outputs(String stackName) {
    return stack(stackName).map(CloudFormationDeployer::outputs).orElse(Map.of());
  }

  /**
   * Puts back the last good commit's template and artifact: the same path as {@link #deploy}, so it
   * works whatever state the failed release left the stack in, as long as CloudFormation accepts an
   * update.
   *
   * @throws AwsException as {@link #deploy}
   * @throws InterruptedException when interrupted while waiting
   */
  public StackResult rollback(StackRelease lastGood) throws InterruptedException {
    return deploy(lastGood);
  }

  /** How a stack's status reads for a deployment. */
  enum Phase {
    /** Still changing: wait. */
    IN_PROGRESS,
    /** Settled; an update can be made. */
    SETTLED,
    /** Settled in a state that accepts no update: a person must act (e.g. delete the stack). */
    STUCK
  }

  /** The phase of a stack status. */
  static Phase phase(String status) {
    if (status.endsWith("_IN_PROGRESS")) {
      return status.equals("REVIEW_IN_PROGRESS") ? Phase.SETTLED : Phase.IN_PROGRESS;
    }
    if (status.equals("ROLLBACK_COMPLETE")
        || status.endsWith("_FAILED")
        || status.equals("DELETE_COMPLETE")) {
      return Phase.STUCK;
    }
    return Phase.SETTLED;
  }

  private ChangeSetType changeSetType(String stackName, Optional<Stack> existing) {
    if (existing.isEmpty()) {
      return ChangeSetType.CREATE;
    }
    String status = existing.get().stackStatusAsString();
    if (status.equals("REVIEW_IN_PROGRESS")) {
      return ChangeSetType.CREATE; // created by a change set that was never executed
    }
    switch (phase(status)) {
      case IN_PROGRESS ->
          throw new RetryableAwsException(
              "stack " + stackName + " is busy (" + status + "); try again when it settles",
              "StackBusy",
              null);
      case STUCK ->
          throw new NeedsPersonAwsException(
              "stack "
                  + stackName
                  + " is "
                  + status
                  + " and accepts no update: a person must repair or delete it",
              "StackStuck",
              null);
      default -> {
        return ChangeSetType.UPDATE;
      }
    }
  }

  private DescribeChangeSetResponse awaitChangeSet(String stackName, String changeSetId)
      throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      DescribeChangeSetResponse response;
      try {
        response = cloudFormation.describeChangeSet(b -> b.changeSetName(changeSetId));
      } catch (SdkException e) {
        throw translate("DescribeChangeSet on " + stackName, e);
      }
      if (response.status() == ChangeSetStatus.CREATE_COMPLETE
          || response.status() == ChangeSetStatus.FAILED) {
        return response;
      }
      waitOrGiveUp(deadline, "change set of " + stackName + " is still " + response.status());
    }
  }

  private Stack awaitStack(String stackName) throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      Stack stack = existingStack(stackName);
      if (phase(stack.stackStatusAsString()) != Phase.IN_PROGRESS) {
        return stack;
      }
      waitOrGiveUp(deadline, "stack " + stackName + " is still " + stack.stackStatusAsString());
    }
  }

  private void waitOrGiveUp(Instant deadline, String state) throws InterruptedException {
    if (!clock.instant().isBefore(deadline)) {
      throw new RetryableAwsException(
          state + " after " + timeout + "; look at the stack's events", "WaitTimedOut", null);
    }
    pause.pause(pollInterval);
  }

  private Optional<Stack> stack(String stackName) {
    try {
      return cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks().stream()
          .findFirst();
    } catch (CloudFormationException e) {
      if (e.statusCode() == 400 && message(e).contains("does not exist")) {
        return Optional.empty();
      }
      throw translate("DescribeStacks of " + stackName, e);
    } catch (SdkException e) {
      throw translate("DescribeStacks of " + stackName, e);
    }
  }

  private Optional<String> firstFailure(String stackName, Instant since) {
    try {
      return firstFailure(
          cloudFormation.describeStackEvents(b -> b.stackName(stackName)).stackEvents(), since);
    } catch (SdkException e) {
      return Optional.empty(); // the status alone still says it failed
    }
  }

  /**
   * The first resource that failed since {@code since}, as {@code "<logical id>: <reason>"}: the
   * cause; later failures are mostly consequences (cancelled updates, the rollback's own).
   *
   * @param events newest first, as DescribeStackEvents returns them
   */
  static Optional<String> firstFailure(List<StackEvent> events, Instant since) {
    StackEvent first = null;
    for (StackEvent event : events) {
      if (event.timestamp() != null && event.timestamp().isBefore(since)) {
        break;
      }
      String status = event.resourceStatusAsString();
      if (status != null && status.toUpperCase(Locale.ROOT).endsWith("_FAILED")) {
        first = event;
      }
    }
    return Optional.ofNullable(first)
        .map(e -> e.logicalResourceId() + ": " + e.resourceStatusReason());
  }

  private void deleteChangeSet(String changeSetId) {
    try {
      cloudFormation.deleteChangeSet(b -> b.changeSetName(changeSetId));
    } catch (SdkException e) {
      // An empty change set left behind is harmless; CloudFormation keeps it for review.
    }
  }

  /** The stack, which exists because this deployment created or changed it. */
  private Stack existingStack(String stackName) {
    return stack(stackName)
        .orElseThrow(
            () ->
                new NeedsPersonAwsException(
                    "stack " + stackName + " vanished while deploying", "StackGone", null));
  }

  private StackResult noChanges(String stackName) {
    Stack stack = existingStack(stackName);
    return new StackResult(
        StackResult.Outcome.NO_CHANGES,
        stack.stackId(),
        stack.stackStatusAsString(),
        null,
        outputs(stack));
  }

  private StackResult failed(String stackName, Optional<Stack> stack, String reason) {
    return new StackResult(
        StackResult.Outcome.FAILED,
        stack.map(Stack::stackId).orElse(null),
        stack.map(Stack::stackStatusAsString).orElse(null),
        reason,
        stack.map(CloudFormationDeployer::outputs).orElse(Map.of()));
  }

  private static Map<String, String> outputs(Stack stack) {
    Map<String, String> outputs = new LinkedHashMap<>();
    stack.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue()));
    return outputs;
  }

  private static String message(CloudFormationException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage()
        : String.valueOf(e.getMessage());
  }

  private static AwsException translate(String what, SdkException e) {
    return AwsErrors.translate("CloudFormation " + what, e, true);
  }

  @Override
  public String toString() {
    return "CloudFormationDeployer";
  }

  /** Options of a {@link CloudFormationDeployer}. */
  public static final class Builder {
    private CloudFormationClient cloudFormation;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofMinutes(60);
    private String roleArn;
    private Clock clock = Clock.systemUTC();
    private Pause pause = interval -> Thread.sleep(interval);

    private Builder() {}

    /** The CloudFormation client (required). */
    public Builder cloudFormation(CloudFormationClient cloudFormation) {
      this.cloudFormation = cloudFormation;
      return this;
    }

    /** How often the change set and the stack are polled (default 5 s). */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /** How long a change set or a stack may take to settle (default 60 min). */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** The service role CloudFormation acts as (least privilege; default: the caller's). */
    public Builder roleArn(String roleArn) {
      this.roleArn = roleArn;
      return this;
    }

    /** The clock deadlines are measured by. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** How to wait between polls (default: sleep the poll interval). */
    public Builder pause(Pause pause) {
      this.pause = pause;
      return this;
    }

    /** The deployer. */
    public CloudFormationDeployer build() {
      return new CloudFormationDeployer(this);
    }
  }
}
