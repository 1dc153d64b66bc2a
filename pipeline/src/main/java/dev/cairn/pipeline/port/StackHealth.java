package dev.cairn.pipeline.port;

import java.util.List;

/**
 * What the bake of a stack environment watches (on AWS: the load balancer's target group and
 * CloudWatch alarms), named by the stack's outputs. The runtime decides what a failed check means.
 */
public interface StackHealth {
  /**
   * How the targets of a target group are, leaving out those being drained (the previous release's,
   * on their way out).
   *
   * @param targetGroup the target group (on AWS: its ARN)
   */
  Targets targets(String targetGroup);

  /**
   * Which of the named alarms are firing (on AWS: in state {@code ALARM}); alarms that do not exist
   * are left out.
   *
   * @param names the alarms' names
   */
  List<String> firing(List<String> names);

  /**
   * The targets of a target group.
   *
   * @param healthy how many are healthy
   * @param unhealthy the others, each as {@code "<id>:<port> <state> (<reason>)"}
   */
  record Targets(int healthy, List<String> unhealthy) {
    /** Copies the list. */
    public Targets {
      unhealthy = List.copyOf(unhealthy);
    }

    /** True when at least one target is healthy and none is not. */
    public boolean allHealthy() {
      return healthy > 0 && unhealthy.isEmpty();
    }
  }
}
