package dev.cairn.aws.lambda.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Task tokens that record every answer (and can pass them on), and treat the tokens in {@link
 * #gone} as belonging to tasks that no longer wait.
 */
public final class RecordingTokens implements TaskTokens {
  /** One answer: {@code token} and {@code error} (null for a success). */
  public record Call(String token, String error, String cause) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public final Set<String> gone = ConcurrentHashMap.newKeySet();
  private final TaskTokens next;

  public RecordingTokens() {
    this(null);
  }

  public RecordingTokens(TaskTokens next) {
    this.next = next;
  }

  @Override
  public void succeed(String token, JsonNode output) {
    check(token);
    if (next != null) {
      next.succeed(token, output);
    }
    calls.add(new Call(token, null, output.toString()));
  }

  @Override
  public void fail(String token, String error, String cause) {
    check(token);
    if (next != null) {
      next.fail(token, error, cause);
    }
    calls.add(new Call(token, error, cause));
  }

  private void check(String token) {
    if (gone.contains(token)) {
      throw new GoneTokenException("the waiting task is gone (TaskTimedOut)", null);
    }
  }

  public List<String> granted() {
    return calls.stream().filter(c -> c.error() == null).map(Call::token).toList();
  }

  public List<String> failed(String error) {
    return calls.stream().filter(c -> error.equals(c.error())).map(Call::token).toList();
  }
}
