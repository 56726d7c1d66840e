// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import io.obs.tracing.internal.HeaderGetter;
import io.obs.tracing.internal.HttpServerCore;
import io.obs.tracing.internal.HttpSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * Internal: not for use outside obs. Server spans, request ids and the {@code http.server.*}
 * metrics for Spring WebFlux, named by the route WebFlux matched ({@code GET /orders/{id}}). The
 * span's context travels down the pipeline in Reactor's context under {@link
 * OtelContextAccessor#KEY}, so the handler, its log lines and its {@code WebClient} calls see it on
 * whatever thread they run.
 */
final class ObsWebFilter implements WebFilter, Ordered {

  // headerSet() is the one view of the headers that Spring Framework 6 and 7 both have: 7 dropped
  // keySet() and changed get()'s parameter type, which breaks code compiled against 6.
  private static final HeaderGetter<HttpHeaders> GETTER =
      new HeaderGetter<>(ObsWebFilter::names, ObsWebFilter::values);

  private final HttpServerCore core;
  private final UntracedPaths untraced;

  ObsWebFilter(Observability obs, UntracedPaths untraced) {
    this.core = new HttpServerCore(HttpSettings.from(obs));
    this.untraced = untraced;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (untraced.matches(request.getPath().pathWithinApplication().value())) {
      return chain.filter(exchange);
    }
    HttpHeaders headers = request.getHeaders();
    String requestIdHeader = core.settings().requestIdHeader();
    InetSocketAddress remote = request.getRemoteAddress();
    HttpServerCore.Request info = new HttpServerCore.Request(
        request.getMethod().name(),
        request.getURI().getScheme() != null ? request.getURI().getScheme() : "http",
        request.getURI().getRawPath(),
        request.getURI().getRawQuery(),
        request.getURI().getHost(),
        request.getURI().getPort(),
        null,
        null,
        headers.getFirst(HttpHeaders.USER_AGENT),
        remote != null && remote.getAddress() != null ? remote.getAddress().getHostAddress() : null,
        GETTER.get(headers, requestIdHeader));
    HttpServerCore.Handle handle = core.start(headers, GETTER, info);
    if (handle.requestId != null) {
      exchange.getResponse().getHeaders().set(requestIdHeader, handle.requestId);
    }
    AtomicBoolean ended = new AtomicBoolean();
    return chain.filter(exchange)
        .doOnSuccess(done -> end(exchange, handle, ended, null))
        .doOnError(error -> end(exchange, handle, ended, error))
        .doOnCancel(() -> end(exchange, handle, ended, null))
        .contextWrite(context -> context.put(OtelContextAccessor.KEY, handle.context));
  }

  private void end(ServerWebExchange exchange, HttpServerCore.Handle handle, AtomicBoolean ended,
      @Nullable Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    if (exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)
        instanceof PathPattern pattern) {
      String contextPath = exchange.getRequest().getPath().contextPath().value();
      core.updateRoute(handle, contextPath + pattern.getPatternString());
    }
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    int code;
    if (error instanceof ResponseStatusException rejected) {
      code = rejected.getStatusCode().value();
    } else if (error != null) {
      // WebFlux's exception handlers run outside the filter chain and will answer 500.
      code = 500;
    } else {
      code = status != null ? status.value() : 200;
    }
    core.end(handle, code, error instanceof ResponseStatusException ? null : error);
  }

  private static List<String> names(HttpHeaders headers) {
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, List<String>> header : headers.headerSet()) {
      names.add(header.getKey());
    }
    return names;
  }

  private static @Nullable List<String> values(HttpHeaders headers, String name) {
    for (Map.Entry<String, List<String>> header : headers.headerSet()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 1;
  }
}
