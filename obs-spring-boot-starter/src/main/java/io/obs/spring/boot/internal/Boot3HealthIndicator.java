// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import io.obs.internal.Hosting;
import io.obs.internal.Readiness;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Internal: not for use outside obs. obs's readiness checks (start-up, each module's) as the
 * {@code obs} component of {@code /actuator/health}, for Spring Boot 3.
 */
final class Boot3HealthIndicator implements HealthIndicator {

  private final Observability obs;

  Boot3HealthIndicator(Observability obs) {
    this.obs = obs;
  }

  @Override
  public Health health() {
    Readiness.Report report = Hosting.runtime(obs).readiness()
        .evaluate(obs.config().get(io.obs.config.CoreKeys.SERVER_READINESS_TIMEOUT));
    Health.Builder health = report.ready() ? Health.up() : Health.down();
    for (Readiness.Outcome outcome : report.outcomes()) {
      health.withDetail(outcome.name(),
          (outcome.result().ready() ? "UP: " : "DOWN: ") + outcome.result().detail());
    }
    return health.build();
  }
}
