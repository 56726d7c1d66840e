// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import io.obs.logging.internal.ContextCapture;
import io.obs.logging.internal.EventFormat;
import io.obs.logging.internal.JsonFormat;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.MdcContextStorage;
import io.obs.logging.internal.PreparedEvent;
import io.obs.logging.internal.TextFormat;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * obs's JSON (or text) encoder for any Logback appender, with the same fields, redaction and
 * trace context as {@link ObsAppender}:
 *
 * <pre>{@code
 * <appender name="FILE" class="ch.qos.logback.core.FileAppender">
 *   <file>app.log</file>
 *   <encoder class="io.obs.logging.ObsEncoder"/>
 * </appender>
 * }</pre>
 *
 * It reads the trace context of the calling thread, so use it in a synchronous appender, or
 * behind Logback's {@code AsyncAppender} together with {@link ObsTurboFilter} (which keeps the
 * trace ids in the MDC the {@code AsyncAppender} copies). Baggage and request id need the calling
 * thread and are therefore only written by synchronous appenders and by {@link ObsAppender}.
 *
 * @since 0.1.0
 */
public final class ObsEncoder extends EncoderBase<ILoggingEvent> {

  private String format = "";
  private volatile @Nullable Output output;

  private record Output(LogSettings settings, EventFormat format) {}

  /** {@code json} (default) or {@code text}. */
  public void setFormat(String format) {
    String value = Objects.requireNonNull(format, "format").trim().toLowerCase(Locale.ROOT);
    if (!value.equals("json") && !value.equals("text")) {
      throw new IllegalArgumentException("format must be json or text, got '" + format + "'");
    }
    this.format = value;
  }

  @Override
  public void start() {
    MdcContextStorage.install();
    apply(adjust(LogSettings.defaults()));
    super.start();
  }

  @Override
  public void stop() {
    Output o = output;
    if (o != null) {
      o.format().stop();
    }
    super.stop();
  }

  /** The settings with what this encoder's Logback configuration set explicitly on top. */
  LogSettings adjust(LogSettings settings) {
    return format.isEmpty()
        ? settings
        : settings.toBuilder().setJson(format.equals("json")).build();
  }

  /** Switches to settings resolved from obs.yaml. */
  void apply(LogSettings adjusted) {
    // The previous format is left to the garbage collector: another thread may be encoding
    // with it right now. Settings and format are read as one pair by encode().
    EventFormat format =
        adjusted.json() ? new JsonFormat(getContext(), adjusted) : new TextFormat();
    output = new Output(adjusted, format);
  }

  @Override
  public byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Output o = output;
    if (o == null) {
      throw new IllegalStateException("ObsEncoder is not started");
    }
    PreparedEvent prepared = PreparedEvent.prepare(event, ContextCapture.current(), o.settings());
    return o.format().format(prepared);
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }
}
