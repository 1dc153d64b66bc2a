package dev.cairn.aws.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Carries the trace in X-Ray's {@code X-Amzn-Trace-Id} header ({@code Root=1-<8 hex>-<24
 * hex>;Parent=<16 hex>;Sampled=1}), the header Lambda, Step Functions and load balancers pass on.
 *
 * <p>Cairn's own, small implementation: the OpenTelemetry contrib propagator (1.52–1.57 alpha)
 * calls an internal API method that OpenTelemetry 1.68 no longer has.
 */
public final class XrayPropagator implements TextMapPropagator {
  /** The header. */
  public static final String HEADER = "X-Amzn-Trace-Id";

  private static final Pattern ROOT = Pattern.compile("1-[0-9a-f]{8}-[0-9a-f]{24}");
  private static final Pattern PARENT = Pattern.compile("[0-9a-f]{16}");
  private static final XrayPropagator INSTANCE = new XrayPropagator();

  private XrayPropagator() {}

  /** The propagator. */
  public static XrayPropagator getInstance() {
    return INSTANCE;
  }

  @Override
  public Collection<String> fields() {
    return List.of(HEADER);
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (!span.isValid() || setter == null) {
      return;
    }
    String trace = span.getTraceId();
    setter.set(
        carrier,
        HEADER,
        "Root=1-"
            + trace.substring(0, 8)
            + "-"
            + trace.substring(8)
            + ";Parent="
            + span.getSpanId()
            + ";Sampled="
            + (span.isSampled() ? "1" : "0"));
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) {
      context = Context.root();
    }
    if (getter == null) {
      return context;
    }
    String header = getter.get(carrier, HEADER);
    if (header == null) {
      // Header names are case-insensitive; some carriers keep them lower-case.
      header = getter.get(carrier, HEADER.toLowerCase(java.util.Locale.ROOT));
    }
    if (header == null) {
      return context;
    }
    String root = null;
    String parent = null;
    boolean sampled = false;
    for (String part : header.split(";")) {
      int equals = part.indexOf('=');
      if (equals < 0) {
        continue;
      }
      String key = part.substring(0, equals).trim();
      String value = part.substring(equals + 1).trim();
      switch (key) {
        case "Root" -> root = value;
        case "Parent" -> parent = value;
        case "Sampled" -> sampled = value.equals("1");
        default -> {
          // Lineage and other fields are X-Ray's own; they do not change the span context.
        }
      }
    }
    if (root == null
        || parent == null
        || !ROOT.matcher(root).matches()
        || !PARENT.matcher(parent).matches()) {
      return context; // a malformed header starts a new trace rather than failing the request
    }
    String traceId = root.substring(2, 10) + root.substring(11);
    SpanContext remote =
        SpanContext.createFromRemoteParent(
            traceId,
            parent,
            sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            TraceState.getDefault());
    return remote.isValid() ? context.with(Span.wrap(remote)) : context;
  }

  @Override
  public String toString() {
    return "XrayPropagator";
  }
}
