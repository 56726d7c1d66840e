// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.obs.logging.ObsAppender;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Internal: not for use outside obs. Spring Boot's Logback system with obs's appender in place of
 * Boot's console appender, when the application has no Logback file of its own. Boot resets
 * Logback when it starts and, without a file, installs its console pattern, which would drop obs's
 * JSON lines, their trace ids and the redaction of personal data. Done in code after Boot's own
 * defaults (also code), rather than with a Logback XML file: Logback's XML configurator and the
 * JDK's XML parser were a tenth of a Boot application's start-up. Everything else stays Boot's:
 * {@code logging.level.*}, {@code logging.file.*}, an application's own {@code logback-spring.xml}
 * or {@code logging.config} (which Boot loads instead of these defaults).
 */
public final class ObsLogbackLoggingSystem extends LogbackLoggingSystem {

  /** The name of Boot's console appender on the root logger in its defaults. */
  private static final String BOOT_CONSOLE = "CONSOLE";

  public ObsLogbackLoggingSystem(ClassLoader classLoader) {
    super(classLoader);
  }

  @Override
  protected void loadDefaults(
      LoggingInitializationContext initializationContext, @Nullable LogFile logFile) {
    super.loadDefaults(initializationContext, logFile);
    Environment environment = initializationContext.getEnvironment();
    if (environment != null && loggingSwitchedOff(environment)) {
      return;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> console = root.getAppender(BOOT_CONSOLE);
    if (console != null) {
      root.detachAppender(console);
      console.stop();
    }
    ObsAppender obs = new ObsAppender();
    obs.setContext(context);
    obs.setName("OBS");
    obs.start();
    root.addAppender(obs);
  }

  /** Whether the application switched obs-logging off, which leaves Boot's logging as it is. */
  static boolean loggingSwitchedOff(Environment environment) {
    return "false".equalsIgnoreCase(environment.getProperty("obs.modules.logging.enabled"));
  }

  /**
   * Chosen before Boot's own Logback factory (ordered {@code HIGHEST_PRECEDENCE + 1024}) when
   * obs-logging and Logback are present.
   */
  @Order(Ordered.HIGHEST_PRECEDENCE + 1000)
  public static final class Factory implements LoggingSystemFactory {

    private static final boolean PRESENT =
        ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", Factory.class.getClassLoader())
            && ClassUtils.isPresent("io.obs.logging.ObsAppender", Factory.class.getClassLoader());

    @Override
    public @Nullable LoggingSystem getLoggingSystem(ClassLoader classLoader) {
      return PRESENT ? new ObsLogbackLoggingSystem(classLoader) : null;
    }
  }
}
