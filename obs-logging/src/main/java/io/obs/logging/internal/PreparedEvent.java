// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import io.obs.RequestContext;
import io.obs.logging.LogFields;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Internal: not for use outside obs. A logging event as obs writes and exports it: every text
 * already redacted, cut and repaired, and the trace context, request id and baggage taken from
 * the OpenTelemetry {@link Context} that was current on the application thread when the event
 * was logged. The JSON providers, the text format and the OTLP bridge read only this view: {@link
 * #getArgumentArray()} is {@code null} and {@link #getKeyValuePairs()} empty (their redacted form
 * is {@link #structuredFields()}); the one raw part is {@link #getThrowableProxy()}, which every
 * writer renders through {@link #stackTrace()} and {@link #errorMessage()}.
 */
public final class PreparedEvent implements ILoggingEvent {

  private final ILoggingEvent original;
  private final LogSettings settings;
  private final Context context;
  private final String message;
  private final String threadName;
  private final String loggerName;
  /** Redacted MDC entries; may still hold obs's trace keys, which every writer skips. */
  private final Map<String, String> mdc;

  private @Nullable Map<String, String> mdcWithoutTraceKeys;
  private final @Nullable SpanContext spanContext;
  private final @Nullable String requestId;
  private final Map<String, String> baggage;
  private final StructuredFields structuredFields;
  private final @Nullable IThrowableProxy throwable;
  private @Nullable String stackTrace;

  private PreparedEvent(ILoggingEvent original, Context context, LogSettings settings) {
    this.original = original;
    this.settings = settings;
    this.context = context;
    TextLimits limits = settings.limits();
    String formatted = original.getFormattedMessage();
    this.message = formatted == null ? "" : limits.clean(formatted);
    String thread = original.getThreadName();
    this.threadName = thread == null ? "" : limits.limit(thread);
    String logger = original.getLoggerName();
    this.loggerName = logger == null ? "" : limits.limit(logger);
    Map<String, String> originalMdc = original.getMDCPropertyMap();
    this.mdc = settings.mdcFields(originalMdc);
    this.spanContext = spanContext(context, originalMdc);
    this.requestId = RequestContext.requestId(context).map(limits::clean).orElse(null);
    this.baggage = baggage(context, settings.baggageKeys(), limits);
    this.structuredFields =
        StructuredFields.collect(
            original.getArgumentArray(),
            original.getMarkerList(),
            original.getKeyValuePairs(),
            limits);
    this.throwable = original.getThrowableProxy();
  }

  /**
   * Prepares an event logged under {@code context}.
   *
   * @param context the context current on the application thread at logging time
   */
  public static PreparedEvent prepare(ILoggingEvent event, Context context, LogSettings settings) {
    if (event instanceof PreparedEvent p && p.settings == settings) {
      return p;
    }
    ILoggingEvent original = event instanceof PreparedEvent p ? p.original : event;
    Context ctx = event instanceof PreparedEvent p ? p.context : context;
    return new PreparedEvent(original, ctx, settings);
  }

  // The context of the application thread wins. Without a span there (Logback's own
  // AsyncAppender runs encoders on its worker, where no span is current), the MDC keys obs keeps
  // up to date on the application thread, and which the event captured, stand in.
  private static @Nullable SpanContext spanContext(
      Context context, @Nullable Map<String, String> mdc) {
    // The root context has no span. Checked by identity, so that a line logged before init()
    // does not initialise the trace API (and its lookup tables, some 70 KB) only to learn that.
    if (context != ContextCapture.root()) {
      SpanContext fromContext = Span.fromContext(context).getSpanContext();
      if (fromContext.isValid()) {
        return fromContext;
      }
    }
    if (mdc == null) {
      return null;
    }
    String traceId = mdc.get(LogFields.TRACE_ID);
    String spanId = mdc.get(LogFields.SPAN_ID);
    if (traceId == null || spanId == null) {
      return null;
    }
    String flags = mdc.get(LogFields.TRACE_FLAGS);
    TraceFlags traceFlags =
        flags != null && flags.length() == 2
            ? TraceFlags.fromHex(flags, 0)
            : TraceFlags.getDefault();
    SpanContext fromMdc =
        SpanContext.create(traceId, spanId, traceFlags, TraceState.getDefault());
    return fromMdc.isValid() ? fromMdc : null;
  }

  private static Map<String, String> baggage(
      Context context, List<String> allowed, TextLimits limits) {
    if (allowed.isEmpty()) {
      return Map.of();
    }
    Baggage baggage = Baggage.fromContext(context);
    if (baggage.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : allowed) {
      BaggageEntry entry = baggage.getEntry(key);
      if (entry != null) {
        out.put(key, limits.cleanField(key, entry.getValue()));
      }
    }
    return out;
  }

  public LogSettings settings() {
    return settings;
  }

  /** The OpenTelemetry context of the logging call. */
  public Context context() {
    return context;
  }

  /** The valid span context the event was logged in, if any. */
  public @Nullable SpanContext spanContext() {
    return spanContext;
  }

  public @Nullable String requestId() {
    return requestId;
  }

  /** Allowlisted baggage entries, redacted. */
  public Map<String, String> baggage() {
    return baggage;
  }

  /** Structured arguments, logstash markers and key-value pairs, redacted. */
  public StructuredFields structuredFields() {
    return structuredFields;
  }

  /** The rendered, redacted stack trace (computed once), or null without a throwable. */
  public @Nullable String stackTrace() {
    if (throwable == null) {
      return null;
    }
    String rendered = stackTrace;
    if (rendered == null) {
      rendered = StackTraces.render(throwable, settings.stackTraceDepth(), settings.limits());
      stackTrace = rendered;
    }
    return rendered;
  }

  /** The redacted message of the throwable, or null. */
  public @Nullable String errorMessage() {
    if (throwable == null || throwable.getMessage() == null) {
      return null;
    }
    return settings.limits().clean(throwable.getMessage());
  }

  /** The class name of the throwable, or null. */
  public @Nullable String errorType() {
    return throwable == null ? null : throwable.getClassName();
  }

  @Override
  public String getThreadName() {
    return threadName;
  }

  @Override
  public Level getLevel() {
    return original.getLevel();
  }

  @Override
  public String getMessage() {
    return message;
  }

  @Override
  public Object @Nullable [] getArgumentArray() {
    return null;
  }

  @Override
  public String getFormattedMessage() {
    return message;
  }

  @Override
  public String getLoggerName() {
    return loggerName;
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return original.getLoggerContextVO();
  }

  /** The original throwable: render it with {@link #stackTrace()}, which redacts it. */
  @Override
  public @Nullable IThrowableProxy getThrowableProxy() {
    return throwable;
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return original.getCallerData();
  }

  @Override
  public boolean hasCallerData() {
    return original.hasCallerData();
  }

  @Override
  public @Nullable List<Marker> getMarkerList() {
    return original.getMarkerList();
  }

  /**
   * The redacted MDC entries to write. Unlike {@link #getMDCPropertyMap()} this may still hold
   * obs's trace keys ({@link LogSettings#isTraceKey}), which the caller must skip: leaving them
   * in is what lets an MDC map that needs no redaction be written without a copy.
   */
  public Map<String, String> mdcFields() {
    return mdc;
  }

  /** The redacted MDC without obs's trace keys (those are written from the span). */
  @Override
  public Map<String, String> getMDCPropertyMap() {
    Map<String, String> view = mdcWithoutTraceKeys;
    if (view == null) {
      view = LogSettings.withoutTraceKeys(mdc);
      mdcWithoutTraceKeys = view;
    }
    return view;
  }

  @Override
  @SuppressWarnings("deprecation")
  public Map<String, String> getMdc() {
    return getMDCPropertyMap();
  }

  @Override
  public long getTimeStamp() {
    return original.getTimeStamp();
  }

  @Override
  public int getNanoseconds() {
    return original.getNanoseconds();
  }

  @Override
  public Instant getInstant() {
    return original.getInstant();
  }

  @Override
  public long getSequenceNumber() {
    return original.getSequenceNumber();
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    return List.of();
  }

  @Override
  public void prepareForDeferredProcessing() {
    // Everything is already captured.
  }
}
