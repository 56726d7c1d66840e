// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.obs.config.ObsConfigException;
import io.obs.logging.ObsAppender;
import java.io.PrintStream;
import java.util.Iterator;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;
import org.springframework.util.ClassUtils;

/**
 * Internal: not for use outside obs. Prints Spring Boot's failure report for a bad obs
 * configuration as text on standard error, where obs writes the log lines. Boot logs the report
 * at ERROR, and obs's appender writes it as one JSON (or quoted text) line: right for a log
 * pipeline, but a person at a console would read the report's line breaks as {@code \n}.
 */
public final class ObsFailureReporter implements FailureAnalysisReporter {

  private static final boolean LOGBACK = ClassUtils.isPresent(
      "ch.qos.logback.classic.LoggerContext", ObsFailureReporter.class.getClassLoader());

  private final PrintStream out;

  public ObsFailureReporter() {
    this(System.err);
  }

  ObsFailureReporter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void report(FailureAnalysis analysis) {
    if (!(analysis.getCause() instanceof ObsConfigException) || !obsWritesTheLogLines()) {
      return;
    }
    String nl = System.lineSeparator();
    out.print(nl + nl + "***************************" + nl + "APPLICATION FAILED TO START" + nl
        + "***************************" + nl + nl + "Description:" + nl + nl
        + analysis.getDescription() + nl + nl + "Action:" + nl + nl + analysis.getAction() + nl
        + nl);
    out.flush();
  }

  private static boolean obsWritesTheLogLines() {
    if (!LOGBACK || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return false;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ObsAppender) {
        return true;
      }
    }
    return false;
  }
}
