// SPDX-License-Identifier: Apache-2.0
package io.obs.config;

import java.util.List;

/**
 * The one exception type for bad configuration. It carries every problem found, not only the
 * first, so a user fixes the file in one pass.
 *
 * @since 0.1.0
 */
public final class ObsConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public ObsConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in file order and then key order. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    StringBuilder text =
        new StringBuilder("obs configuration is invalid (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem" : " problems")
            .append("); nothing was started:");
    for (ConfigProblem problem : problems) {
      text.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return text.toString();
  }
}
