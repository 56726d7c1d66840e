// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * Internal: not for use outside obs. obs's servlet filter, which requests on the {@link
 * UntracedPaths} skip. A class of its own so that a WebFlux application, which has no servlet API,
 * never loads it.
 */
final class UntracedServletFilter implements Filter {

  private final UntracedPaths untraced;
  private final Filter traced;

  private UntracedServletFilter(UntracedPaths untraced, Filter traced) {
    this.untraced = untraced;
    this.traced = traced;
  }

  /** {@code traced} itself when no path is left out. */
  static Filter around(Filter traced, UntracedPaths untraced) {
    return untraced.prefix() == null ? traced : new UntracedServletFilter(untraced, traced);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (req instanceof HttpServletRequest request) {
      String path = request.getRequestURI();
      String inContext = path.substring(Math.min(path.length(), request.getContextPath().length()));
      if (untraced.matches(inContext)) {
        chain.doFilter(req, res);
        return;
      }
    }
    traced.doFilter(req, res, chain);
  }
}
