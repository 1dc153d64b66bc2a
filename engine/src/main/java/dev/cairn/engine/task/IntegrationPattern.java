package dev.cairn.engine.task;

/** How Step Functions waits for a service integration, chosen by the Resource's suffix. */
public enum IntegrationPattern {
  /** No suffix: the task ends when the service answers the request. */
  REQUEST_RESPONSE(""),
  /** {@code .sync}: the task ends when the job it started has finished. */
  RUN_JOB(".sync"),
  /** {@code .waitForTaskToken}: the task ends when its token is reported back. */
  WAIT_FOR_TASK_TOKEN(".waitForTaskToken");

  private final String suffix;

  IntegrationPattern(String suffix) {
    this.suffix = suffix;
  }

  /** The Resource suffix that selects the pattern. */
  public String suffix() {
    return suffix;
  }

  /** The pattern a Resource selects. */
  public static IntegrationPattern of(String resource) {
    if (resource.endsWith(WAIT_FOR_TASK_TOKEN.suffix)) {
      return WAIT_FOR_TASK_TOKEN;
    }
    if (resource.endsWith(".sync") || resource.endsWith(".sync:2")) {
      return RUN_JOB;
    }
    return REQUEST_RESPONSE;
  }
}
