// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import ch.qos.logback.classic.LoggerContext;
import io.obs.config.ObsConfigException;
import io.obs.logging.internal.LoggingModule;
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

  @Override
  public void report(FailureAnalysis analysis) {
    if (!(analysis.getCause() instanceof ObsConfigException) || !obsWritesTheLogLines()) {
      return;
    }
    String stars = "***************************";
    System.err.print(String.join(System.lineSeparator(), "", "", stars,
        "APPLICATION FAILED TO START", stars, "", "Description:", "", analysis.getDescription(), "",
        "Action:", "", analysis.getAction(), "", ""));
    System.err.flush();
  }

  private static boolean obsWritesTheLogLines() {
    return LOGBACK && LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && LoggingModule.hasObsOutput(context);
  }
}
