// SPDX-License-Identifier: Apache-2.0
package io.obs.spi;

import java.util.function.Supplier;

/**
 * Where a module publishes the components users reach with {@code Observability.component} (a
 * Micrometer {@code MeterRegistry}, obs-metrics' {@code ObsMetrics}, ...) and later modules with
 * {@link ModuleContext#component}.
 *
 * @since 0.1.0
 */
public interface Components {

  /**
   * Publishes a component under its type. Publishing the same type twice fails.
   *
   * @throws IllegalStateException when a component of this type is already published
   */
  <T> void publish(Class<T> type, T component);

  /**
   * Publishes a component that is built by {@code factory} when it is first looked up, once. For
   * what may never be used and is costly to build at start-up: a no-op Micrometer registry, say,
   * whose first use starts the logging back end. Publishing the same type twice fails.
   *
   * @throws IllegalStateException when a component of this type is already published
   * @since 0.1.0
   */
  <T> void publishLazily(Class<T> type, Supplier<? extends T> factory);
}
