// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.config.ConfigProblem;
import io.obs.config.ObsConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Internal: not for use outside obs. Turns obs's configuration error into Spring Boot's start-up
 * failure report: every problem with its file, line and column, and what to do.
 */
public final class ObsConfigFailureAnalyzer extends AbstractFailureAnalyzer<ObsConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ObsConfigException cause) {
    StringBuilder description = new StringBuilder("obs's configuration is invalid (")
        .append(cause.problems().size())
        .append(cause.problems().size() == 1 ? " problem" : " problems")
        .append("); obs started nothing:");
    for (ConfigProblem problem : cause.problems()) {
      description.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return new FailureAnalysis(description.toString(),
        "Correct the obs.* properties (or obs.yaml keys) named above. Every key, its default and"
            + " its environment variable are in obs's configuration reference (docs/configuration.md"
            + " in the obs repository); your IDE completes obs.* properties in application.yml.",
        cause);
  }
}
