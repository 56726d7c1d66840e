// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
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

  /** The servlet filter, which requests on these paths skip. */
  Filter around(Filter traced) {
    if (prefix == null) {
      return traced;
    }
    return new Filter() {
      @Override
      public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
          throws IOException, ServletException {
        if (req instanceof HttpServletRequest request) {
          String path = request.getRequestURI();
          String inContext =
              path.substring(Math.min(path.length(), request.getContextPath().length()));
          if (matches(inContext)) {
            chain.doFilter(req, res);
            return;
          }
        }
        traced.doFilter(req, res, chain);
      }
    };
  }
}
