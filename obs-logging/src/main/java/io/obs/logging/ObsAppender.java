// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.obs.logging.internal.AsyncLogWriter;
import io.obs.logging.internal.LogbackAccess;
import io.obs.logging.internal.LogSettings;
import io.obs.logging.internal.MdcContextStorage;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The appender obs attaches to the root logger: it writes each event to stdout as one JSON line
 * (or text), sends it to the shared OpenTelemetry logger provider after {@code
 * Observability.init()}, and never blocks the logging thread (see {@code docs/logs.md}).
 *
 * <p>Reference it from your own {@code logback.xml} to keep obs's output with your
 * configuration:
 *
 * <pre>{@code
 * <appender name="OBS" class="io.obs.logging.ObsAppender">
 *   <format>json</format>        <!-- or text; obs.yaml logs.format wins when set -->
 *   <queueSize>8192</queueSize>  <!-- obs.yaml logs.queue_size wins when set -->
 *   <queueBytes>16777216</queueBytes>  <!-- obs.yaml logs.queue_bytes wins when set -->
 * </appender>
 * }</pre>
 *
 * Everything else (field names, redaction, levels) comes from {@code obs.yaml} once {@code
 * Observability.init()} has run.
 *
 * @since 0.1.0
 */
public final class ObsAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  static {
    LogbackAccess.set(new LogbackAccess.Parts() {
      @Override
      public LogSettings adjust(ObsAppender appender, LogSettings settings) {
        return appender.adjust(settings);
      }

      @Override
      public @Nullable AsyncLogWriter writer(ObsAppender appender) {
        return appender.writer;
      }

      @Override
      public LogSettings adjust(ObsEncoder encoder, LogSettings settings) {
        return encoder.adjust(settings);
      }

      @Override
      public void apply(ObsEncoder encoder, LogSettings settings) {
        encoder.apply(settings);
      }
    });
  }

  private String format = "";
  private int queueSize;
  private long queueBytes;
  private final Supplier<OutputStream> sink;
  private @Nullable AsyncLogWriter writer;

  /** An appender writing to {@code System.out}. */
  public ObsAppender() {
    this(() -> System.out);
  }

  ObsAppender(Supplier<OutputStream> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** {@code json} (default) or {@code text}. */
  public void setFormat(String format) {
    String value = Objects.requireNonNull(format, "format").trim().toLowerCase(Locale.ROOT);
    if (!value.equals("json") && !value.equals("text")) {
      throw new IllegalArgumentException("format must be json or text, got '" + format + "'");
    }
    this.format = value;
  }

  /** Queue capacity; at least 64. */
  public void setQueueSize(int queueSize) {
    if (queueSize < 64) {
      throw new IllegalArgumentException("queueSize must be at least 64, got " + queueSize);
    }
    this.queueSize = queueSize;
  }

  /**
   * Bytes the queued events may hold (estimated), at least 65536; by default 1/16 of the maximum
   * heap, between 1 and 64 MiB.
   *
   * @since 0.1.0
   */
  public void setQueueBytes(long queueBytes) {
    if (queueBytes < 65_536) {
      throw new IllegalArgumentException("queueBytes must be at least 65536, got " + queueBytes);
    }
    this.queueBytes = queueBytes;
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    MdcContextStorage.install();
    AsyncLogWriter w = new AsyncLogWriter(this, adjust(LogSettings.defaults()), sink);
    w.start();
    writer = w;
    super.start();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    AsyncLogWriter w = writer;
    if (w != null) {
      w.stop(Duration.ofSeconds(2));
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    AsyncLogWriter w = writer;
    if (w != null) {
      w.offer(event);
    }
  }

  /**
   * The settings with what this appender's Logback configuration set explicitly applied on top
   * (obs-logging's module then lets keys that obs.yaml sets explicitly win).
   */
  LogSettings adjust(LogSettings settings) {
    LogSettings.Builder b = settings.toBuilder();
    if (!format.isEmpty()) {
      b.setJson(format.equals("json"));
    }
    if (queueSize > 0) {
      b.setQueueSize(queueSize);
    }
    if (queueBytes > 0) {
      b.setQueueBytes(queueBytes);
    }
    return b.build();
  }

  /** The engine, for obs-logging's module and tests. */
  @Nullable AsyncLogWriter internalWriter() {
    return writer;
  }
}
