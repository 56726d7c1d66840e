// SPDX-License-Identifier: Apache-2.0
package io.obs.spi;

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
}
