// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Real Logback events for tests, logged by the JVM's own logger context. */
public final class TestEvents {

  private TestEvents() {}

  public static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  public static LoggingEvent event(Level level, String message, @Nullable Object... args) {
    return event("test.logger", level, message, null, args);
  }

  public static LoggingEvent event(
      String loggerName,
      Level level,
      String message,
      @Nullable Throwable throwable,
      @Nullable Object... args) {
    Logger logger = context().getLogger(loggerName);
    LoggingEvent event =
        new LoggingEvent(Logger.class.getName(), logger, level, message, throwable, args);
    return event;
  }
}
