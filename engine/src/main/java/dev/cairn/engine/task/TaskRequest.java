package dev.cairn.engine.task;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One invocation of a task handler.
 *
 * @param resource the Resource as written in the state, e.g. {@code
 *     arn:aws:states:::batch:submitJob.sync}
 * @param pattern the service-integration pattern the resource's suffix selects
 * @param parameters the task's effective parameters (after InputPath and Parameters)
 * @param executionId the execution's id
 * @param stateName the Task state's name
 * @param attempt 0 for the first try, then 1, 2, ... for retries
 * @param idempotencyKey stable for this execution, state entry and attempt, also across restarts
 * @param taskToken the token to report back with, for {@code .waitForTaskToken}; otherwise still
 *     set, and usable for heartbeats
 */
public record TaskRequest(
    String resource,
    IntegrationPattern pattern,
    JsonNode parameters,
    String executionId,
    String stateName,
    int attempt,
    String idempotencyKey,
    String taskToken) {}
