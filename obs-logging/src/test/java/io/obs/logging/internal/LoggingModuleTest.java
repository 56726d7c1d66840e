// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.config.ConfigProblem;
import io.obs.config.ObsConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingModuleTest {

  private static ObsConfig config(Map<String, Object> values) {
    Map<String, String> sources = Map.of("logs.levels", "obs.yaml:3:5");
    return new ObsConfig(LoggingKeys.ALL, values, sources, null);
  }

  @Test
  void validateNamesEveryBadValueWithItsKeyAndLocation() {
    List<ConfigProblem> problems =
        new LoggingModule()
            .validate(
                config(
                    Map.of(
                        "logs.levels", Map.of("com.x", "loud", "com.y", "warn"),
                        "logs.fields", Map.of("trace_id", "span_id"))));
    assertThat(problems).extracting(ConfigProblem::key)
        .containsExactlyInAnyOrder("logs.fields", "logs.levels");
    assertThat(problems)
        .filteredOn(p -> p.key().equals("logs.levels"))
        .singleElement()
        .satisfies(p -> {
          assertThat(p.location()).isEqualTo("obs.yaml:3:5");
          assertThat(p.message()).contains("'com.x'", "'loud'");
        });
  }

  @Test
  void validDefaultsHaveNoProblems() {
    assertThat(new LoggingModule().validate(config(Map.of()))).isEmpty();
  }

  @Test
  void moduleIsNamedLoggingAndOrderedAfterTracing() {
    LoggingModule module = new LoggingModule();
    assertThat(module.name()).isEqualTo("logging");
    assertThat(module.order()).isEqualTo(50);
    assertThat(module.configKeys()).isEqualTo(LoggingKeys.ALL);
  }
}
