// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Internal: not for use outside obs. The request paths obs's server instrumentation leaves alone:
 * Actuator's endpoints, as Spring Boot's own HTTP observations do by default. Prometheus scrapes
 * and Kubernetes probes would otherwise make a trace and a histogram sample each, several times a
 * minute, forever. Boot's switch for its own observations, {@code
 * management.observations.http.server.actuator.enabled=true}, brings them back.
 */
record UntracedPaths(@Nullable String prefix) {

  private static final String ACTUATOR =
      "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

  static UntracedPaths from(Environment environment) {
    if (!ClassUtils.isPresent(ACTUATOR, UntracedPaths.class.getClassLoader())
        || environment.getProperty(
            "management.observations.http.server.actuator.enabled", Boolean.class, false)) {
      return new UntracedPaths(null);
    }
    String base = environment.getProperty("management.endpoints.web.base-path", "/actuator");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    // Actuator at the root shares every path with the application: nothing can be told apart.
    return new UntracedPaths(base.isEmpty() ? null : base.startsWith("/") ? base : "/" + base);
  }

  /** Whether a path within the application's context is left alone. */
  boolean matches(String pathInContext) {
    String prefix = this.prefix;
    return prefix != null
        && pathInContext.startsWith(prefix)
        && (pathInContext.length() == prefix.length()
            || pathInContext.charAt(prefix.length()) == '/');
  }
}
