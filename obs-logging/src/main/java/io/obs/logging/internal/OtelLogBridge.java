// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.Level;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Sends prepared events to the shared OpenTelemetry logger
 * provider, one instrumentation scope per logger name (as OpenTelemetry's own Logback appender
 * does). Until {@link #connect} the events are kept, up to a bound, and replayed in order when
 * the SDK is up; the number that did not fit is returned by {@link #connect} for reporting.
 *
 * <p>The kept events are bounded by count ({@code logs.preinit_buffer_size}) and by the bytes they
 * hold ({@code logs.queue_bytes}, as {@link EventSize} estimated them in the queue): events logged
 * before {@code init()} must not fill the heap either.
 *
 * <p>Called from one appender worker thread and from {@code init}/{@code shutdown}; all state
 * is guarded by this object's monitor, which the worker holds only briefly per event.
 */
public final class OtelLogBridge {

  private static final String SDK_LOGGERS = "io.opentelemetry.";

  private record Pending(PreparedEvent event, long bytes) {}

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private int capacity;
  private long byteCapacity;
  private long pendingBytes;
  private long overflow;
  private @Nullable LoggerProvider provider;

  public OtelLogBridge(int capacity, long byteCapacity) {
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
  }

  /**
   * Sets how many events, holding how many bytes, are kept before the SDK is up (the newest
   * beyond either bound are let go).
   */
  public synchronized void setCapacity(int capacity, long byteCapacity) {
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
    while (pending.size() > capacity || (pendingBytes > byteCapacity && !pending.isEmpty())) {
      pendingBytes -= pending.removeLast().bytes();
      overflow++;
    }
  }

  /** {@link #emit(PreparedEvent, long)} for an event whose size was not estimated. */
  public void emit(PreparedEvent event) {
    emit(event, 0);
  }

  /**
   * Exports the event now, or keeps it until {@link #connect}. Events of the OpenTelemetry SDK's
   * own loggers are not exported (only written): an exporter that logs its failure would
   * otherwise feed its own queue.
   */
  public synchronized void emit(PreparedEvent event, long bytes) {
    if (event.getLoggerName().startsWith(SDK_LOGGERS)) {
      return;
    }
    LoggerProvider target = provider;
    if (target != null) {
      send(target, event);
    } else if (pending.size() < capacity && pendingBytes + bytes <= byteCapacity) {
      pending.addLast(new Pending(event, bytes));
      pendingBytes += bytes;
    } else {
      overflow++;
    }
  }

  /**
   * Starts exporting to {@code target}, first replaying the kept events in logging order.
   *
   * @return how many events logged before this call could not be kept
   */
  public synchronized long connect(LoggerProvider target) {
    for (Pending p : pending) {
      send(target, p.event());
    }
    pending.clear();
    pendingBytes = 0;
    provider = target;
    long lost = overflow;
    overflow = 0;
    return lost;
  }

  /** Stops exporting; later events are kept again for a later {@link #connect}. */
  public synchronized void disconnect() {
    provider = null;
  }

  public synchronized boolean isConnected() {
    return provider != null;
  }

  /** Number of events waiting for {@link #connect}. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  private static void send(LoggerProvider target, PreparedEvent event) {
    LogRecordBuilder record =
        target.get(event.getLoggerName().isEmpty() ? "ROOT" : event.getLoggerName())
            .logRecordBuilder();
    record.setTimestamp(event.getInstant());
    record.setSeverity(severity(event.getLevel()));
    record.setSeverityText(event.getLevel().levelStr);
    record.setBody(event.getFormattedMessage());
    record.setContext(traceContext(event));
    record.setAllAttributes(attributes(event));
    record.emit();
  }

  private static Context traceContext(PreparedEvent event) {
    SpanContext span = event.spanContext();
    Context context = event.context();
    if (span != null && !Span.fromContext(context).getSpanContext().isValid()) {
      // The trace ids came from the MDC (Logback's own AsyncAppender in front of obs).
      return Context.root().with(Span.wrap(span));
    }
    return context;
  }

  static Attributes attributes(PreparedEvent event) {
    AttributesBuilder attributes = Attributes.builder();
    attributes.put("thread.name", event.getThreadName());
    if (event.requestId() != null) {
      attributes.put("http.request.id", event.requestId());
    }
    event.baggage().forEach(attributes::put);
    event.mdcFields().forEach(
        (k, v) -> {
          if (!LogSettings.isTraceKey(k)) {
            attributes.put(k, v);
          }
        });
    StructuredFields fields = event.structuredFields();
    for (int i = 0; i < fields.size(); i++) {
      String key = fields.name(i);
      Object value = fields.value(i);
      // Numbers and booleans typed, anything else as text; a JSON null is left out.
      if (value instanceof Integer || value instanceof Long) {
        attributes.put(key, ((Number) value).longValue());
      } else if (value instanceof Double d) {
        attributes.put(key, d.doubleValue());
      } else if (value instanceof Boolean b) {
        attributes.put(key, b.booleanValue());
      } else if (value instanceof String s) {
        attributes.put(key, s);
      } else if (value != null) {
        JsonTrees.putAttribute(attributes, key, value);
      }
    }
    if (event.errorType() != null) {
      attributes.put("exception.type", event.errorType());
      if (event.errorMessage() != null) {
        attributes.put("exception.message", event.errorMessage());
      }
      String stackTrace = event.stackTrace();
      if (stackTrace != null) {
        attributes.put("exception.stacktrace", stackTrace);
      }
    }
    return attributes.build();
  }

  static Severity severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> Severity.ERROR;
      case Level.WARN_INT -> Severity.WARN;
      case Level.INFO_INT -> Severity.INFO;
      case Level.DEBUG_INT -> Severity.DEBUG;
      case Level.TRACE_INT -> Severity.TRACE;
      default -> Severity.UNDEFINED_SEVERITY_NUMBER;
    };
  }
}
