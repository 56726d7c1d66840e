// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.obs.logging.ObsAppender;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Internal: not for use outside obs. Configures Logback when it starts (found through {@code
 * META-INF/services/ch.qos.logback.classic.spi.Configurator}), so obs's JSON output is in place
 * before the first log line: an {@link ObsAppender} on the root logger at INFO. When the user
 * has a Logback configuration of their own, it does nothing and lets Logback read that file.
 *
 * <p>obs.yaml is not read here: Logback often starts before {@code Observability.init()}, in a
 * static initialiser. The appender starts with defaults (and {@code OBS_LOGS_FORMAT}, {@code
 * OBS_SERVICE_NAME}/{@code OTEL_SERVICE_NAME} from the environment); {@link LoggingModule} applies
 * obs.yaml when {@code init()} runs, or hands it to this configurator when Logback starts after
 * {@code init()}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class ObsLogbackConfigurator extends ContextAwareBase implements Configurator {

  /** Name of the appender obs attaches to the root logger. */
  public static final String APPENDER_NAME = "OBS";

  private final @Nullable ClassLoader classLoader;
  private final UnaryOperator<@Nullable String> systemProperties;

  public ObsLogbackConfigurator() {
    this(LoggerContext.class.getClassLoader(), System::getProperty);
  }

  ObsLogbackConfigurator(
      @Nullable ClassLoader classLoader, UnaryOperator<@Nullable String> systemProperties) {
    this.classLoader = classLoader;
    this.systemProperties = systemProperties;
  }

  private static volatile boolean ran;

  /** Whether Logback has started in this JVM (it runs every configurator it finds). */
  static boolean hasRun() {
    return ran;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ran = true;
    StderrStatusListener.install(context, System.err);
    Optional<String> userConfig = UserLogbackConfig.find(classLoader, systemProperties);
    if (userConfig.isPresent()) {
      addInfo("obs-logging: found " + userConfig.get() + "; leaving Logback configuration to it."
          + " Reference io.obs.logging.ObsAppender from it to keep obs's output.");
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    MdcContextStorage.install();
    ObsAppender appender = new ObsAppender();
    appender.setContext(context);
    appender.setName(APPENDER_NAME);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    routeJavaUtilLogging(context);
    // Observability.init() may have run before Logback started: its obs.yaml settings apply now.
    LoggingModule.applyPending(context);
    // Without Observability.init() nobody else writes out the queue, or reports what was dropped
    // since the last report, when the JVM exits.
    AsyncLogWriter writer = LogbackAccess.get().writer(appender);
    if (writer != null) {
      try {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> writer.flushAndReport(Duration.ofSeconds(2)), "obs-logging-flush"));
      } catch (IllegalStateException e) {
        // The JVM is already exiting.
      }
    }
    addInfo("obs-logging: configured Logback with JSON output on stdout (no logback.xml found)");
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Sends java.util.logging records (obs-core's own lines, the OpenTelemetry SDK, gRPC) through
   * SLF4J, so that every line on stdout is obs JSON. The level propagator copies Logback's levels
   * to JUL, so JUL does not build records that Logback would discard (the usual cost of the
   * bridge).
   */
  private void routeJavaUtilLogging(LoggerContext context) {
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    context.addListener(propagator);
    propagator.start();
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
