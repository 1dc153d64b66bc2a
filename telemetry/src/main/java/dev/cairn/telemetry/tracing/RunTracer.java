package dev.cairn.telemetry.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.engine.execution.HistoryEventType;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One trace per run: when a run ends ({@code run-ended}), its execution's history becomes a root
 * span {@value #RUN_SPAN} from the execution's start to its end, with a child span per state it
 * entered (named after the state, e.g. {@code Build}, {@code production: apply}) from its entry to
 * its exit. A state whose last attempt failed (whether a Catch moved on or the execution failed)
 * has the error status and the error's name; each failed attempt is a span event.
 *
 * <p>Built from the history rather than live, so the spans carry the engine's own times and a run
 * resumed after a restart is traced whole. Any driver whose history has Step Functions' event types
 * can use it: the local engine's, or Step Functions' GetExecutionHistory in the same shape.
 */
public final class RunTracer implements PipelineListener {
  /** The name of a run's root span. */
  public static final String RUN_SPAN = "cairn.run";

  /** The run's id, on the root span. */
  public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("cairn.run.id");

  /** The run's commit, on the root span. */
  public static final AttributeKey<String> COMMIT = AttributeKey.stringKey("cairn.commit");

  /** The execution's status, e.g. {@code SUCCEEDED}, on the root span. */
  public static final AttributeKey<String> STATUS =
      AttributeKey.stringKey("cairn.execution.status");

  /** The state's type, e.g. {@code Task}, on a state's span. */
  public static final AttributeKey<String> STATE_TYPE = AttributeKey.stringKey("cairn.state.type");

  /** The error's cause (first 300 characters), on a failed span. */
  public static final AttributeKey<String> CAUSE = AttributeKey.stringKey("cairn.error.cause");

  private static final int CAUSE_LIMIT = 300;

  private final Tracer tracer;
  private final Histories histories;

  /** The history of a run's execution. */
  @FunctionalInterface
  public interface Histories {
    /** The events of the run's execution, oldest first; empty when it is not known. */
    List<HistoryEvent> of(String run);
  }

  /**
   * @param tracer makes the spans (from the SDK {@link Tracing} builds)
   * @param histories reads a run's execution history
   */
  public RunTracer(Tracer tracer, Histories histories) {
    this.tracer = tracer;
    this.histories = histories;
  }

  @Override
  public void event(RunEvent event) {
    if (event.kind() != RunEvent.Kind.RUN_ENDED) {
      return;
    }
    try {
      trace(event.run(), histories.of(event.run()));
    } catch (RuntimeException e) {
      // A listener must not throw: a run without a trace is better than a run that stops.
    }
  }

  /** Makes the trace of a run from its execution's history (ignored when it has no start). */
  public void trace(String run, List<HistoryEvent> history) {
    HistoryEvent first = history.isEmpty() ? null : history.get(0);
    if (first == null || first.type() != HistoryEventType.EXECUTION_STARTED) {
      return;
    }
    HistoryEvent last = history.get(history.size() - 1);
    Span root =
        tracer
            .spanBuilder(RUN_SPAN)
            .setNoParent()
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(first.timestamp())
            .setAttribute(RUN_ID, run)
            .startSpan();
    JsonNode commit = first.details().path("input").path("run").path("commit");
    if (commit.isTextual()) {
      root.setAttribute(COMMIT, commit.asText());
    }
    Context parent = Context.root().with(root);
    Map<String, OpenState> open = new HashMap<>();
    for (HistoryEvent event : history) {
      String type = event.type().wireName();
      if (type.endsWith("StateEntered")) {
        // A state left without an exit (a Catch moved on) ends where the next one starts.
        close(open.remove(event.frame()), event.timestamp());
        Span span =
            tracer
                .spanBuilder(String.valueOf(event.text("name")))
                .setParent(parent)
                .setStartTimestamp(event.timestamp())
                .setAttribute(RUN_ID, run)
                .setAttribute(
                    STATE_TYPE, type.substring(0, type.length() - "StateEntered".length()))
                .startSpan();
        open.put(event.frame(), new OpenState(span));
      } else if (type.endsWith("StateExited")) {
        close(open.remove(event.frame()), event.timestamp());
      } else if (isFailure(type)) {
        OpenState state = open.get(event.frame());
        if (state != null) {
          state.failed(event);
        }
      } else if (type.endsWith("Succeeded") && open.containsKey(event.frame())) {
        // A retry that succeeded: the state did not fail.
        open.get(event.frame()).error = null;
      }
    }
    for (OpenState state : open.values()) {
      close(state, last.timestamp());
    }
    String status = statusOf(last.type().wireName());
    root.setAttribute(STATUS, status);
    if (!status.equals("SUCCEEDED") && !status.equals("RUNNING")) {
      root.setStatus(StatusCode.ERROR, errorOf(last, status));
      putCause(root, last);
    }
    root.end(last.timestamp());
  }

  private static void close(OpenState state, Instant at) {
    if (state == null) {
      return;
    }
    if (state.error != null) {
      state.span.setStatus(
          StatusCode.ERROR, state.error.text("error") == null ? "" : state.error.text("error"));
      putCause(state.span, state.error);
    }
    state.span.end(at);
  }

  private static boolean isFailure(String type) {
    return type.endsWith("Failed") || type.endsWith("TimedOut");
  }

  private static String statusOf(String lastType) {
    return switch (lastType) {
      case "ExecutionSucceeded" -> "SUCCEEDED";
      case "ExecutionFailed" -> "FAILED";
      case "ExecutionAborted" -> "ABORTED";
      case "ExecutionTimedOut" -> "TIMED_OUT";
      default -> "RUNNING";
    };
  }

  private static String errorOf(HistoryEvent event, String status) {
    String error = event.text("error");
    return error == null ? status : error;
  }

  private static void putCause(Span span, HistoryEvent event) {
    String cause = event.text("cause");
    if (cause != null) {
      span.setAttribute(
          CAUSE, cause.length() > CAUSE_LIMIT ? cause.substring(0, CAUSE_LIMIT) + "…" : cause);
    }
  }

  /** A state's span until it ends, with its last failure. */
  private static final class OpenState {
    final Span span;
    HistoryEvent error;

    OpenState(Span span) {
      this.span = span;
    }

    void failed(HistoryEvent event) {
      error = event;
      Attributes attributes =
          event.text("error") == null
              ? Attributes.empty()
              : Attributes.of(AttributeKey.stringKey("error"), event.text("error"));
      span.addEvent(event.type().wireName(), attributes, event.timestamp());
    }
  }
}
