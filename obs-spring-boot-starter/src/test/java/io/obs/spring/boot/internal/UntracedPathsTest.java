// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class UntracedPathsTest {

  private static UntracedPaths untraced(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return UntracedPaths.from(environment);
  }

  @Test
  void actuatorsBasePathIsLeftAloneAndNothingElse() {
    UntracedPaths paths = untraced(Map.of());

    assertThat(paths.matches("/actuator")).isTrue();
    assertThat(paths.matches("/actuator/health")).isTrue();
    assertThat(paths.matches("/actuator/prometheus")).isTrue();
    assertThat(paths.matches("/actuators")).isFalse();
    assertThat(paths.matches("/orders/actuator")).isFalse();
    assertThat(paths.matches("/")).isFalse();
  }

  @Test
  void followsTheConfiguredBasePath() {
    UntracedPaths paths = untraced(Map.of("management.endpoints.web.base-path", "/manage/"));

    assertThat(paths.matches("/manage/health")).isTrue();
    assertThat(paths.matches("/actuator/health")).isFalse();
  }

  @Test
  void bootsSwitchForItsOwnActuatorObservationsTracesThemAgain() {
    UntracedPaths paths =
        untraced(Map.of("management.observations.http.server.actuator.enabled", "true"));

    assertThat(paths.matches("/actuator/health")).isFalse();
  }

  @Test
  void actuatorAtTheRootLeavesNothingOut() {
    UntracedPaths paths = untraced(Map.of("management.endpoints.web.base-path", "/"));

    assertThat(paths.matches("/actuator/health")).isFalse();
    assertThat(paths.matches("/health")).isFalse();
  }
}
