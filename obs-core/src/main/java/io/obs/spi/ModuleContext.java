// SPDX-License-Identifier: Apache-2.0
package io.obs.spi;

import io.obs.config.ObsConfig;
import io.obs.server.EndpointServer;
import io.obs.server.ReadinessCheck;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a started module receives: the shared SDK, its configuration, the endpoint server and a
 * place to publish components for users and for other modules.
 *
 * @since 0.1.0
 */
public interface ModuleContext {

  /** The resolved, validated configuration. */
  ObsConfig config();

  /** The shared SDK, as the API users see it. */
  OpenTelemetry openTelemetry();

  /** The resource every signal carries. */
  Resource resource();

  /** The meter for obs's own health metrics ({@code obs.*} instruments). */
  Meter selfMeter();

  /** The embedded endpoint server, or {@code null} when {@code server.enabled} is false. */
  @Nullable
  EndpointServer server();

  /** Adds a readiness check reported on {@code /readyz}. */
  void addReadinessCheck(String name, ReadinessCheck check);

  /**
   * Publishes a component under its type; users reach it with {@code Observability#component} and
   * later modules with {@link #component(Class)}. Publishing the same type twice fails.
   */
  <T> void publish(Class<T> type, T component);

  /** A component published by a module that started earlier. */
  <T> Optional<T> component(Class<T> type);
}
