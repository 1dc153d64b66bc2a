package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Something from outside that moves an execution on: its start, a task's outcome, a timer, a stop
 * request. The interpreter turns each into history events and commands.
 */
sealed interface Trigger {
  /** The execution starts. */
  record Start() implements Trigger {}

  /** The task a frame waits for returned a result. */
  record TaskSucceeded(String frame, long key, JsonNode output) implements Trigger {}

  /** The task a frame waits for failed. */
  record TaskFailed(String frame, long key, String error, String cause) implements Trigger {}

  /** The task a frame waits for ran out of time or heartbeats. */
  record TaskTimedOut(String frame, long key, boolean heartbeat) implements Trigger {}

  /** A Wait state's time, or a retry's back-off, is over. */
  record TimerFired(String frame, long key) implements Trigger {}

  /** Someone stopped the execution. */
  record Stop(String error, String cause) implements Trigger {}

  /** The execution's own TimeoutSeconds ran out. */
  record ExecutionTimeout() implements Trigger {}
}
