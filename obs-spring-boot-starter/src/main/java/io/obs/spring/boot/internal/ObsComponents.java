// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.Observability;
import io.obs.internal.Hosting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. What obs has published, looked up without waiting for its
 * background start-up (what the starter hands to Spring is published inside {@code init()}).
 */
final class ObsComponents {

  private ObsComponents() {}

  static <T> Optional<T> published(Observability obs, Class<T> type) {
    return Hosting.runtime(obs).published(type);
  }

  /**
   * obs's Micrometer registries one by one: Spring Boot takes each as a bean, composes them itself
   * when there are several and applies its meter filters to each before a meter exists. Handing it
   * obs's composite as well would have Boot add the composite and its children to the global
   * registry, counting what is recorded there twice.
   */
  static List<MeterRegistry> registries(Observability obs) {
    MeterRegistry top = published(obs, MeterRegistry.class).orElse(null);
    if (top == null) {
      return List.of();
    }
    if (top instanceof CompositeMeterRegistry composite) {
      return new ArrayList<>(composite.getRegistries());
    }
    return List.of(top);
  }

  /** The registry that is not the Prometheus one (OTLP push, console, or in-memory), if any. */
  static @Nullable MeterRegistry otherRegistry(Observability obs) {
    for (MeterRegistry registry : registries(obs)) {
      if (!(registry instanceof PrometheusMeterRegistry)) {
        return registry;
      }
    }
    return null;
  }
}
