// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.obs.Observability;
import io.obs.tracing.internal.HeaderGetter;
import io.obs.tracing.internal.HttpServerCore;
import io.obs.tracing.internal.HttpSettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Server spans, request ids and the {@code http.server.*} metrics for the JDK's {@code
 * com.sun.net.httpserver}, with no change to the handlers:
 *
 * <pre>{@code
 * server.createContext("/", handler).getFilters().add(ObsHttpServerFilter.create(obs));
 * }</pre>
 *
 * <p>The incoming trace context is extracted with the configured propagators (garbage starts a new
 * root); the request id header is accepted or generated and echoed in the response; the span is
 * current while the handler runs, so spans the handler starts are its children. A 5xx response or
 * an exception from the handler marks the span as an error.
 *
 * @since 0.1.0
 */
// "try": a Scope is opened only to be closed; its variable is deliberately unused.
@SuppressWarnings("try")
public final class ObsHttpServerFilter extends Filter {

  private static final HeaderGetter<Headers> GETTER =
      new HeaderGetter<>(Headers::keySet, Headers::get);

  private final HttpServerCore core;
  private final HttpRoutes routes;

  private ObsHttpServerFilter(HttpServerCore core, HttpRoutes routes) {
    this.core = core;
    this.routes = routes;
  }

  /** A filter using obs's SDK and request-id settings, without route templates. */
  public static ObsHttpServerFilter create(Observability obs) {
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
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    Headers headers = exchange.getRequestHeaders();
    String path = exchange.getRequestURI().getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    HttpServerCore.HostPort host = HttpServerCore.hostPort(headers.getFirst("Host"));
    InetSocketAddress local = exchange.getLocalAddress();
    InetSocketAddress remote = exchange.getRemoteAddress();
    String requestIdHeader = core.settings().requestIdHeader();
    HttpServerCore.Request request =
        new HttpServerCore.Request(
            exchange.getRequestMethod(),
            exchange instanceof HttpsExchange ? "https" : "http",
            path,
            exchange.getRequestURI().getRawQuery(),
            host != null ? host.host() : local != null ? local.getHostString() : null,
            host != null && host.port() > 0 ? host.port() : local != null ? local.getPort() : -1,
            exchange.getProtocol(),
            routes.route(path),
            headers.getFirst("User-Agent"),
            remote != null && remote.getAddress() != null ? remote.getAddress().getHostAddress() : null,
            GETTER.get(headers, requestIdHeader));
    HttpServerCore.Handle handle = core.start(headers, GETTER, request);
    if (handle.requestId != null) {
      exchange.getResponseHeaders().set(requestIdHeader, handle.requestId);
    }
    Throwable error = null;
    try (Scope ignored = handle.context.makeCurrent()) {
      chain.doFilter(exchange);
    } catch (IOException | RuntimeException | Error e) {
      error = e;
      throw e;
    } finally {
      core.end(handle, exchange.getResponseCode(), error);
    }
  }

  @Override
  public String description() {
    return "obs tracing " + routes;
  }

  /** Builds an {@link ObsHttpServerFilter}. */
  public static final class Builder {
    private final HttpSettings settings;
    private HttpRoutes routes = HttpRoutes.none();

    private Builder(HttpSettings settings) {
      this.settings = settings;
    }

    /** Route templates for span names and the {@code http.route} attribute. */
    public Builder setRoutes(HttpRoutes routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /** Route templates, e.g. {@code "/orders/{id}"}. */
    public Builder setRoutes(String... templates) {
      return setRoutes(HttpRoutes.of(templates));
    }

    public ObsHttpServerFilter build() {
      return new ObsHttpServerFilter(new HttpServerCore(settings), routes);
    }
  }
}
