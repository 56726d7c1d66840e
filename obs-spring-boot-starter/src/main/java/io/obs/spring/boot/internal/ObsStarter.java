// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import io.obs.internal.Hosting;
import java.util.List;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Internal: not for use outside obs. Starts obs for a Spring application, once: from the
 * environment-prepared event when Spring Boot runs the application (so that obs is up before the
 * first bean, with Boot's logging in place), or from the first bean or condition that needs it
 * when a context is built without {@code SpringApplication}.
 */
final class ObsStarter {

  private static final System.Logger LOG = System.getLogger("io.obs");

  private ObsStarter() {}

  /**
   * The running instance, started with this environment's settings when none runs. An instance
   * the application started itself (an {@code Observability.init()} before {@code
   * SpringApplication.run}) is used as it is.
   *
   * @throws io.obs.config.ObsConfigException when the configuration is invalid
   */
  static Observability obtain(ConfigurableEnvironment environment) {
    synchronized (ObsStarter.class) {
      Observability running = running();
      if (running != null) {
        return running;
      }
      Observability started =
          Hosting.init(Observability.builder(), SpringSettings.from(environment));
      report(BootProperties.notRead(environment));
      return started;
    }
  }

  private static Observability running() {
    try {
      return Observability.get();
    } catch (IllegalStateException notRunning) {
      return null;
    }
  }

  private static void report(List<String> lines) {
    for (String line : lines) {
      LOG.log(System.Logger.Level.WARNING, "obs: " + line);
    }
  }
}
