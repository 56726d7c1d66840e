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
public interface ModuleContext extends Components {

  /** The resolved, validated configuration. */
  ObsConfig config();

  /** The shared SDK, as the API users see it. */
  OpenTelemetry openTelemetry();

  /** The resource every signal carries. */
  Resource resource();

  /** The meter for obs's own health metrics ({@code obs.*} instruments). */
  Meter selfMeter();

  /**
   * The embedded endpoint server, or {@code null} when {@code server.enabled} is false or the
   * server could not bind its address (obs-core has then logged why).
   */
  @Nullable
  EndpointServer server();

  /** Adds a readiness check reported on {@code /readyz}. */
  void addReadinessCheck(String name, ReadinessCheck check);

  /** A component published by a module that configured or started earlier. */
  <T> Optional<T> component(Class<T> type);

  /**
   * The application framework that started obs and wires some of its parts its own way, such as
   * {@code "Spring Boot 3.5.7"}, or empty when the application called {@code
   * Observability.init()} itself. A module leaves to the host what the host does: under Spring
   * Boot, for example, Micrometer binders are bound by Boot once its meter filters are in place.
   */
  Optional<String> host();
}
