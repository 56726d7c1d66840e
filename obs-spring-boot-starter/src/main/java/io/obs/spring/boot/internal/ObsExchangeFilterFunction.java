// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import io.obs.tracing.internal.HttpClientCore;
import io.obs.tracing.internal.HttpSettings;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Internal: not for use outside obs. A client span, the trace context and request id headers and
 * the {@code http.client.request.duration} histogram for every exchange of a {@code WebClient}.
 * The parent is the context the pipeline carries ({@link OtelContextAccessor#KEY}, written by
 * obs's WebFlux filter), else the calling thread's.
 */
final class ObsExchangeFilterFunction implements ExchangeFilterFunction {

  private final HttpClientCore core;

  ObsExchangeFilterFunction(Observability obs) {
    this.core = new HttpClientCore(HttpSettings.from(obs));
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(view -> {
      Context parent = view.getOrDefault(OtelContextAccessor.KEY, Context.current());
      Map<String, String> headers = new LinkedHashMap<>();
      HttpClientCore.Handle handle =
          core.start(parent, request.method().name(), request.url(), headers::put);
      ClientRequest traced =
          ClientRequest.from(request).headers(h -> headers.forEach(h::set)).build();
      AtomicBoolean ended = new AtomicBoolean();
      return next.exchange(traced)
          .doOnNext(response -> {
            if (ended.compareAndSet(false, true)) {
              core.end(handle, response.statusCode().value(), null, null);
            }
          })
          .doOnError(error -> {
            if (ended.compareAndSet(false, true)) {
              core.end(handle, -1, null, error);
            }
          })
          .doOnCancel(() -> {
            if (ended.compareAndSet(false, true)) {
              core.end(handle, -1, null, new CancellationException("the exchange was cancelled"));
            }
          })
          .contextWrite(context -> context.put(OtelContextAccessor.KEY, handle.context));
    });
  }
}
