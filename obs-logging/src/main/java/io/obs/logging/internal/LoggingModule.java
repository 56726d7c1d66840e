// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.logging.ObsAppender;
import io.obs.logging.ObsEncoder;
import io.obs.spi.ModuleContext;
import io.obs.spi.ObservabilityModule;
import io.obs.spi.SdkSetup;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Internal: not for use outside obs. The {@code logging} module: applies obs.yaml to the Logback
 * set-up that exists when {@code Observability.init()} runs (obs's own from {@link
 * ObsLogbackConfigurator}, or the user's file referencing {@link ObsAppender}/{@link ObsEncoder}),
 * connects every {@link ObsAppender} to the shared logger provider (replaying what was logged
 * before), and publishes the drop counter {@code obs.logs.dropped{level}}.
 *
 * <p>Logback configures itself before obs.yaml can be read, so this module applies the settings
 * (format, field names, redaction, limits, queue size and levels) in {@link #configure}, before
 * {@code init()} returns, when Logback is up already; when Logback starts later, {@link
 * ObsLogbackConfigurator} applies them as it starts. {@link #start}, on obs's start thread,
 * applies them once more for appenders a logback.xml added meanwhile and connects the export.
 */
public final class LoggingModule implements ObservabilityModule {

  private static final AttributeKey<String> LEVEL = AttributeKey.stringKey("level");

  /** The configuration of the obs being started or running, for a Logback that starts later. */
  private static volatile @Nullable ObsConfig pending;

  private final List<AsyncLogWriter> writers = new ArrayList<>();
  private @Nullable ObservableLongCounter dropCounter;

  @Override
  public String name() {
    return "logging";
  }

  @Override
  public int order() {
    // First: when Logback has not started yet, it starts in configure() on a thread of its own,
    // and the other modules' configure() and the SDK build overlap with it.
    return 50;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return LoggingKeys.ALL;
  }

  /** Bad {@code logs.*} values, reported by obs-core with every other configuration problem. */
  @Override
  public List<ConfigProblem> validate(ObsConfig config) {
    return LogSettings.validate(config);
  }

  @Override
  public void configure(SdkSetup setup) {
    MdcContextStorage.install();
    // Log events read the current context (trace and span ids) from when init() returns, but not
    // before every module has added its context-storage wrapper: reading it closes the list.
    setup.onConfigured(ContextCapture::enable);
    // obs.yaml's format, fields and levels apply before init() returns, so no line the
    // application logs afterwards comes out in the defaults. A Logback that is up already gets
    // them here. One that is not starts now, on a thread of its own while init() builds the SDK,
    // and applies them itself as it starts (ObsLogbackConfigurator); init() waits for it before
    // returning. Left to obs's start-up thread (Micrometer's first logger would start it there),
    // it would still be starting when the application logs its first lines, and SLF4J would hand
    // those to its substitute, which replays them later on that thread, without the caller's
    // thread name or trace context, and warns on stderr.
    pending = setup.config();
    if (ObsLogbackConfigurator.hasRun()) {
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
        applySettings(logback, LogSettings.from(setup.config()), setup.config());
      }
    } else {
      Thread starter = new Thread(LoggingModule::startLogging, "obs-logging-start");
      starter.setDaemon(true);
      starter.start();
      setup.onConfigured(() -> awaitLogging(starter));
    }
  }

  private static void startLogging() {
    LoggerFactory.getILoggerFactory();
  }

  private static void awaitLogging(Thread starter) {
    try {
      starter.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Applies the settings of the obs that is being started or runs, if any; called by {@link
   * ObsLogbackConfigurator} once it has set Logback up.
   */
  static void applyPending(LoggerContext logback) {
    ObsConfig current = pending;
    if (current != null) {
      applySettings(logback, LogSettings.from(current), current);
    }
  }

  @Override
  public void start(ModuleContext context) {
    ObsConfig config = context.config();
    LogSettings settings = LogSettings.from(config);
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext logback)) {
      System.getLogger("io.obs.logging")
          .log(
              System.Logger.Level.WARNING,
              "obs-logging: SLF4J is bound to " + factory.getClass().getName()
                  + ", not Logback; obs's JSON output and log export are off. Remove the other"
                  + " SLF4J provider from the class path.");
      return;
    }
    if (!hasObsOutput(logback)) {
      System.getLogger("io.obs.logging")
          .log(
              System.Logger.Level.WARNING,
              "obs-logging: the Logback configuration in use (the application's own file) has"
                  + " no io.obs.logging.ObsAppender and no ObsEncoder, so log lines are not obs's"
                  + " JSON: no trace ids in them, no redaction, no log export. Add <appender"
                  + " name=\"OBS\" class=\"io.obs.logging.ObsAppender\"/> to it and reference it"
                  + " from <root> (docs/logs.md).");
    }
    boolean export = config.get(CoreKeys.LOGS_ENABLED);
    synchronized (writers) {
      writers.clear();
      // Again: a logback.xml's appenders may have appeared since configure().
      writers.addAll(applySettings(logback, settings, config));
      if (export) {
        for (AsyncLogWriter writer : writers) {
          long lost = writer.bridge().connect(context.openTelemetry().getLogsBridge());
          if (lost > 0) {
            writer.writeSelf(
                Level.WARN,
                "obs-logging: " + lost + " log events from before Observability.init() were not"
                    + " exported: the pre-init buffer was full (logs.preinit_buffer_size; the"
                    + " oldest events are kept)");
          }
        }
      }
    }
    dropCounter =
        context
            .selfMeter()
            .counterBuilder("obs.logs.dropped")
            .setDescription("Log events dropped because the output could not keep up.")
            .buildWithCallback(
                measurement -> {
                  synchronized (writers) {
                    for (String level : AsyncLogWriter.LEVEL_NAMES) {
                      long total = 0;
                      for (AsyncLogWriter writer : writers) {
                        total += writer.dropped(level);
                      }
                      measurement.record(total, Attributes.of(LEVEL, level));
                    }
                  }
                });
  }

  /** Applies levels, format and fields; returns the writers of obs's appenders. Idempotent. */
  private static List<AsyncLogWriter> applySettings(
      LoggerContext logback, LogSettings settings, ObsConfig config) {
    applyLevels(logback, settings.levels());
    List<AsyncLogWriter> found = new ArrayList<>();
    LogbackAccess.Parts parts = LogbackAccess.get();
    for (Appender<ILoggingEvent> appender : appenders(logback)) {
      if (appender instanceof ObsAppender obs) {
        AsyncLogWriter writer = parts.writer(obs);
        if (writer == null) {
          continue;
        }
        writer.apply(precedence(parts.adjust(obs, settings), settings, config));
        found.add(writer);
      } else if (appender instanceof OutputStreamAppender<ILoggingEvent> out
          && out.getEncoder() instanceof ObsEncoder encoder) {
        parts.apply(encoder, precedence(parts.adjust(encoder, settings), settings, config));
      }
    }
    return found;
  }

  // What logback.xml sets on an appender or encoder (format, queue size and bytes) beats
  // obs.yaml's defaults but not a value obs.yaml (or its environment variable) sets explicitly.
  private static LogSettings precedence(
      LogSettings fromLogbackXml, LogSettings fromObsYaml, ObsConfig config) {
    LogSettings.Builder b = fromLogbackXml.toBuilder();
    if (config.isSet(LoggingKeys.QUEUE_SIZE)) {
      b.setQueueSize(fromObsYaml.queueSize());
    }
    if (config.isSet(LoggingKeys.QUEUE_BYTES)) {
      b.setQueueBytes(fromObsYaml.queueBytes());
    }
    if (config.isSet(LoggingKeys.FORMAT)) {
      b.setJson(fromObsYaml.json());
    }
    return b.build();
  }

  @Override
  public void stop() {
    pending = null;
    ObservableLongCounter counter = dropCounter;
    if (counter != null) {
      counter.close();
      dropCounter = null;
    }
    synchronized (writers) {
      // Export what is queued before obs-core flushes and closes the SDK, and report what was
      // dropped since the last report: this is often the end of the process.
      for (AsyncLogWriter writer : writers) {
        writer.flushAndReport(Duration.ofSeconds(2));
        writer.bridge().disconnect();
      }
      writers.clear();
    }
  }

  private static void applyLevels(LoggerContext context, Map<String, Level> levels) {
    levels.forEach(
        (name, level) -> {
          Logger logger =
              name.equalsIgnoreCase("root")
                  ? context.getLogger(Logger.ROOT_LOGGER_NAME)
                  : context.getLogger(name);
          logger.setLevel(level);
        });
  }

  /** Whether any appender writes obs's output: an ObsAppender, or an encoder that is obs's. */
  public static boolean hasObsOutput(LoggerContext logback) {
    for (Appender<ILoggingEvent> appender : appenders(logback)) {
      if (appender instanceof ObsAppender
          || (appender instanceof OutputStreamAppender<ILoggingEvent> out
              && out.getEncoder() instanceof ObsEncoder)) {
        return true;
      }
    }
    return false;
  }

  /** Every appender attached to any logger, nested ones (in async appenders) included. */
  static List<Appender<ILoggingEvent>> appenders(LoggerContext context) {
    Set<Appender<ILoggingEvent>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Appender<ILoggingEvent>> out = new ArrayList<>();
    for (Logger logger : context.getLoggerList()) {
      collect(logger, seen, out);
    }
    return out;
  }

  private static void collect(
      AppenderAttachable<ILoggingEvent> attachable,
      Set<Appender<ILoggingEvent>> seen,
      List<Appender<ILoggingEvent>> out) {
    Iterator<Appender<ILoggingEvent>> it = attachable.iteratorForAppenders();
    while (it.hasNext()) {
      Appender<ILoggingEvent> appender = it.next();
      if (seen.add(appender)) {
        out.add(appender);
        if (appender instanceof AsyncAppenderBase<ILoggingEvent> async) {
          collect(async, seen, out);
        }
      }
    }
  }
}
