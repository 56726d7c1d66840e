// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.servlet;

import io.obs.Observability;
import io.obs.tracing.http.HttpRoutes;
import io.obs.tracing.internal.HeaderGetter;
import io.obs.tracing.internal.HttpServerCore;
import io.obs.tracing.internal.HttpSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Scope;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Server spans, request ids and the {@code http.server.*} metrics for Jakarta Servlet containers
 * (Tomcat, Jetty, Undertow), with no change to servlets. Register it for all paths:
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(ObsServletFilter.create(obs)), "/*",
 *     EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>Declared in {@code web.xml} (no-argument constructor) it uses the running {@link
 * Observability} instance and reads route templates from the init parameter {@code routes}
 * (comma-separated). Without a matching template, {@code http.route} is the pattern Spring MVC
 * matched ({@code /orders/{id}}), else the servlet mapping pattern (such as {@code /api/*}) unless
 * that is the default servlet; both are known only once the request has been dispatched, so the
 * span is renamed then. Asynchronous requests end their span when the async context completes.
 *
 * @since 0.1.0
 */
// "try": a Scope is opened only to be closed; its variable is deliberately unused.
@SuppressWarnings("try")
public final class ObsServletFilter implements Filter {

  private static final HeaderGetter<HttpServletRequest> GETTER =
      new HeaderGetter<>(
          request -> {
            var names = request.getHeaderNames();
            return names == null ? List.of() : Collections.list(names);
          },
          (request, name) -> {
            var values = request.getHeaders(name);
            return values == null ? null : Collections.list(values);
          });

  private volatile @Nullable HttpServerCore core;
  private volatile HttpRoutes routes;

  /** For containers that instantiate filters; uses {@code Observability.get()} at {@code init}. */
  public ObsServletFilter() {
    this.routes = HttpRoutes.none();
  }

  private ObsServletFilter(HttpServerCore core, HttpRoutes routes) {
    this.core = core;
    this.routes = routes;
  }

  /** A filter using obs's SDK and request-id settings. */
  public static ObsServletFilter create(Observability obs) {
    return builder(obs).build();
  }

  /** A builder using obs's SDK and request-id settings. */
  public static Builder builder(Observability obs) {
    return new Builder(HttpSettings.from(Objects.requireNonNull(obs, "obs")));
  }

  /** A builder for any OpenTelemetry instance, with the default request-id settings. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(HttpSettings.defaults(Objects.requireNonNull(openTelemetry, "openTelemetry")));
  }

  @Override
  public void init(FilterConfig config) {
    if (core == null) {
      core = new HttpServerCore(HttpSettings.from(Observability.get()));
    }
    String templates = config.getInitParameter("routes");
    if (templates != null && !templates.isBlank() && routes.isEmpty()) {
      routes =
          HttpRoutes.of(
              java.util.Arrays.stream(templates.split(","))
                  .map(String::trim)
                  .filter(s -> !s.isEmpty())
                  .toList());
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServerCore core = this.core;
    if (core == null || !(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    String path = request.getRequestURI();
    String pathInContext = path.substring(Math.min(path.length(), request.getContextPath().length()));
    String route = routes.route(pathInContext);
    if (route != null && !request.getContextPath().isEmpty()) {
      route = request.getContextPath() + route;
    }
    String requestIdHeader = core.settings().requestIdHeader();
    HttpServerCore.Request info =
        new HttpServerCore.Request(
            request.getMethod(),
            request.getScheme(),
            path,
            request.getQueryString(),
            request.getServerName(),
            request.getServerPort(),
            request.getProtocol(),
            route,
            request.getHeader("User-Agent"),
            request.getRemoteAddr(),
            GETTER.get(request, requestIdHeader));
    HttpServerCore.Handle handle = core.start(request, GETTER, info);
    if (handle.requestId != null) {
      response.setHeader(requestIdHeader, handle.requestId);
    }
    Throwable error = null;
    try (Scope ignored = handle.context.makeCurrent()) {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      // The framework has routed the request by now: its pattern names it when no template did.
      core.updateRoute(handle, dispatchedRoute(request));
      if (error == null && request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new EndOnComplete(core, handle));
      } else {
        // An exception that escapes the filter becomes a 500 in every container.
        int status = error != null && response.getStatus() < 400 ? 500 : response.getStatus();
        core.end(handle, status, error);
      }
    }
  }

  /** Spring MVC's name for the attribute holding the pattern of the handler it chose. */
  private static final String SPRING_MVC_PATTERN =
      "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  /** The route the framework chose: Spring MVC's matched pattern, else the servlet mapping. */
  private static @Nullable String dispatchedRoute(HttpServletRequest request) {
    if (request.getAttribute(SPRING_MVC_PATTERN) instanceof String pattern
        && pattern.startsWith("/")) {
      String servletPrefix = "";
      try {
        HttpServletMapping mapping = request.getHttpServletMapping();
        if (mapping != null && mapping.getMappingMatch() == MappingMatch.PATH) {
          servletPrefix = request.getServletPath();
        }
      } catch (RuntimeException | LinkageError e) {
        // a container without mapping information: the pattern alone
      }
      // Spring matches the path within the context and the servlet's path mapping; a route names
      // the path from the root.
      return request.getContextPath() + servletPrefix + pattern;
    }
    return mappingRoute(request);
  }

  private static @Nullable String mappingRoute(HttpServletRequest request) {
    HttpServletMapping mapping;
    try {
      mapping = request.getHttpServletMapping();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
    if (mapping == null || mapping.getMappingMatch() == null) {
      return null;
    }
    MappingMatch match = mapping.getMappingMatch();
    if (match == MappingMatch.DEFAULT) {
      return null; // "/" matches everything: no better than no route
    }
    String pattern = match == MappingMatch.CONTEXT_ROOT ? "/" : mapping.getPattern();
    return request.getContextPath() + pattern;
  }

  private static final class EndOnComplete implements AsyncListener {
    private final HttpServerCore core;
    private final HttpServerCore.Handle handle;
    private @Nullable Throwable error;

    EndOnComplete(HttpServerCore core, HttpServerCore.Handle handle) {
      this.core = core;
      this.handle = handle;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      ServletResponse response = event.getSuppliedResponse();
      int status = response instanceof HttpServletResponse http ? http.getStatus() : -1;
      core.end(handle, status, error);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      error = event.getThrowable() != null ? event.getThrowable() : new java.util.concurrent.TimeoutException("async request timed out");
    }

    @Override
    public void onError(AsyncEvent event) {
      error = event.getThrowable();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }

  @Override
  public void destroy() {}

  /** Builds an {@link ObsServletFilter}. */
  public static final class Builder {
    private final HttpSettings settings;
    private HttpRoutes routes = HttpRoutes.none();

    private Builder(HttpSettings settings) {
      this.settings = settings;
    }

    /** Route templates for span names and {@code http.route}, tried before the mapping. */
    public Builder setRoutes(HttpRoutes routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /** Route templates, e.g. {@code "/orders/{id}"}. */
    public Builder setRoutes(String... templates) {
      return setRoutes(HttpRoutes.of(templates));
    }

    public ObsServletFilter build() {
      return new ObsServletFilter(new HttpServerCore(settings), routes);
    }
  }
}
