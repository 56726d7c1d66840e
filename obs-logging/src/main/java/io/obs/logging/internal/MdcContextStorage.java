// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.obs.logging.LogFields;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Internal: not for use outside obs. Keeps the MDC keys {@code trace_id}, {@code span_id} and
 * {@code trace_flags} equal to the span of the current OpenTelemetry context, by wrapping the
 * context storage: every {@code makeCurrent()} sets them and closing its scope restores what was
 * there before. Code that reads the MDC itself, and Logback's own {@code AsyncAppender} (which
 * copies the MDC on the application thread), therefore see the trace.
 *
 * <p>OpenTelemetry applies storage wrappers once, when the context is first used; wrappers from
 * several parties (obs-ebpf-bridge adds one too) compose. {@link #install()} is called as early
 * as obs can: when Logback configures itself. If the context was already in use by then, the
 * wrapper never applies; {@link #isActive()} says so and {@link io.obs.logging.ObsTurboFilter}
 * falls back to refreshing the keys on every logging call.
 */
public final class MdcContextStorage implements ContextStorage {

  private static final AtomicBoolean REQUESTED = new AtomicBoolean();
  private static volatile boolean active;

  private final ContextStorage delegate;

  private MdcContextStorage(ContextStorage delegate) {
    this.delegate = delegate;
    active = true;
  }

  /** Asks OpenTelemetry to wrap the context storage; idempotent. */
  public static void install() {
    if (REQUESTED.compareAndSet(false, true)) {
      ContextStorage.addWrapper(MdcContextStorage::new);
    }
  }

  /** Whether the wrapper is in place (the context storage was initialised after install). */
  public static boolean isActive() {
    return active;
  }

  @Override
  public Scope attach(Context toAttach) {
    Scope scope = delegate.attach(toAttach);
    SpanContext span = Span.fromContext(toAttach).getSpanContext();
    String previousTrace = MDC.get(LogFields.TRACE_ID);
    String previousSpan = MDC.get(LogFields.SPAN_ID);
    String previousFlags = MDC.get(LogFields.TRACE_FLAGS);
    if (span.isValid()) {
      if (span.getSpanId().equals(previousSpan) && span.getTraceId().equals(previousTrace)) {
        return scope;
      }
      MDC.put(LogFields.TRACE_ID, span.getTraceId());
      MDC.put(LogFields.SPAN_ID, span.getSpanId());
      MDC.put(LogFields.TRACE_FLAGS, span.getTraceFlags().asHex());
    } else {
      if (previousTrace == null && previousSpan == null && previousFlags == null) {
        return scope;
      }
      MDC.remove(LogFields.TRACE_ID);
      MDC.remove(LogFields.SPAN_ID);
      MDC.remove(LogFields.TRACE_FLAGS);
    }
    return () -> {
      scope.close();
      restore(LogFields.TRACE_ID, previousTrace);
      restore(LogFields.SPAN_ID, previousSpan);
      restore(LogFields.TRACE_FLAGS, previousFlags);
    };
  }

  /** Sets the MDC keys from the given context; used where the wrapper could not be installed. */
  public static void refresh(Context context) {
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (span.isValid()) {
      if (!span.getSpanId().equals(MDC.get(LogFields.SPAN_ID))) {
        MDC.put(LogFields.TRACE_ID, span.getTraceId());
        MDC.put(LogFields.SPAN_ID, span.getSpanId());
        MDC.put(LogFields.TRACE_FLAGS, span.getTraceFlags().asHex());
      }
    } else if (MDC.get(LogFields.TRACE_ID) != null) {
      MDC.remove(LogFields.TRACE_ID);
      MDC.remove(LogFields.SPAN_ID);
      MDC.remove(LogFields.TRACE_FLAGS);
    }
  }

  private static void restore(String key, @Nullable String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public Context current() {
    return delegate.current();
  }

  @Override
  public Context root() {
    return delegate.root();
  }
}
