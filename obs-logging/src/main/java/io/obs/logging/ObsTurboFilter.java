// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.obs.logging.internal.ContextCapture;
import io.obs.logging.internal.MdcContextStorage;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;

/**
 * Keeps the MDC keys {@code trace_id}, {@code span_id} and {@code trace_flags} in step with the
 * current span for users who configure Logback themselves. It decides nothing ({@code NEUTRAL}).
 *
 * <pre>{@code
 * <configuration>
 *   <turboFilter class="io.obs.logging.ObsTurboFilter"/>
 *   ...
 * </configuration>
 * }</pre>
 *
 * Starting it asks OpenTelemetry to wrap its context storage, which sets the keys whenever a
 * context becomes current. When the context was already in use before Logback started (so the
 * wrapper cannot be added), it refreshes the keys on each logging call instead, which is enough
 * for Logback's {@code AsyncAppender} and for patterns such as {@code %X{trace_id}}.
 *
 * @since 0.1.0
 */
public final class ObsTurboFilter extends TurboFilter {

  @Override
  public void start() {
    MdcContextStorage.install();
    super.start();
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker,
      @Nullable Logger logger,
      @Nullable Level level,
      @Nullable String format,
      Object @Nullable [] params,
      @Nullable Throwable t) {
    if (!MdcContextStorage.isActive() && ContextCapture.isEnabled()) {
      MdcContextStorage.refresh(Context.current());
    }
    return FilterReply.NEUTRAL;
  }
}
