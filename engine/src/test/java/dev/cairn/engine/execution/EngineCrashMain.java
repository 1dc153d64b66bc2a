package dev.cairn.engine.execution;

import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.engine.task.TaskHandlers;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The child process of {@link EngineRecoveryTest}: starts {@link EngineRecoveryTest#DEFINITION} on
 * an engine with a SQLite store and a {@code Slow} task that never completes, prints {@code
 * DISPATCHED <idempotency key>} when the task is handed to its handler, then waits to be killed.
 */
public final class EngineCrashMain {
  private EngineCrashMain() {}

  /**
   * Runs the engine.
   *
   * @param args the database file
   */
  public static void main(String[] args) throws InterruptedException {
    TaskHandlers handlers =
        new TaskHandlers()
            .register(
                EngineRecoveryTest.SLOW,
                request -> {
                  System.out.println("DISPATCHED " + request.idempotencyKey());
                  System.out.flush();
                  return new CompletableFuture<>();
                });
    Engine engine =
        Engine.builder()
            .store(SqliteExecutionStore.open(Path.of(args[0])))
            .taskHandlers(handlers)
            .build();
    engine.start(
        EngineRecoveryTest.DEFINITION,
        "recovery",
        "before-the-crash",
        Json.parse("{\"deploy\":\"v1\"}"));
    // The engine's threads are daemons: keep the process alive until the parent kills it.
    Thread.currentThread().join();
  }
}
