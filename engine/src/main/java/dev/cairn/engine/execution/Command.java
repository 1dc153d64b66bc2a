package dev.cairn.engine.execution;

import dev.cairn.engine.task.TaskRequest;
import java.time.Instant;

/**
 * An effect the interpreter asks for. The engine performs commands only after the events that led
 * to them are persisted.
 */
sealed interface Command {
  /** Start a task; report its outcome for {@code frame} and {@code key}. */
  record Dispatch(String frame, long key, TaskRequest request) implements Command {}

  /**
   * Fire {@link Trigger.TimerFired} (or {@link Trigger.TaskTimedOut} when {@code taskTimeout}) at
   * {@code due}. Waits and retry back-offs are scaled by the engine's wait scale; task timeouts are
   * not.
   */
  record ArmTimer(String frame, long key, Instant due, TimerKind kind) implements Command {}

  /** Ask a task's handler to stop it. */
  record Cancel(TaskRequest request) implements Command {}

  /** What a timer is for. */
  enum TimerKind {
    WAIT,
    RETRY,
    TASK_TIMEOUT,
    HEARTBEAT_TIMEOUT,
    EXECUTION_TIMEOUT
  }
}
