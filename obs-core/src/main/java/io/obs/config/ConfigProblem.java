// SPDX-License-Identifier: Apache-2.0
package io.obs.config;

import java.util.Objects;

/**
 * One thing wrong with the configuration: where it is ({@code obs.yaml:12:5}, or the environment
 * variable or system property that carried it), which key, and what was expected.
 *
 * @since 0.1.0
 */
public record ConfigProblem(String location, String key, String message) {

  public ConfigProblem {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return location + ": " + (key.isEmpty() ? "" : "'" + key + "': ") + message;
  }
}
