// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.Observability;
import io.obs.tracing.internal.HttpClientCore;
import io.obs.tracing.internal.HttpSettings;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Internal: not for use outside obs. A client span, the trace context and request id headers and
 * the {@code http.client.request.duration} histogram for every call of a {@code RestClient} or
 * {@code RestTemplate}. The span ends when the response's status and headers have arrived.
 */
final class ObsClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

  private final HttpClientCore core;

  ObsClientHttpRequestInterceptor(Observability obs) {
    this.core = new HttpClientCore(HttpSettings.from(obs));
  }

  @Override
  @SuppressWarnings("try") // the scope is opened only to be closed
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    HttpClientCore.Handle handle = core.start(Context.current(), request.getMethod().name(),
        request.getURI(), (name, value) -> request.getHeaders().set(name, value));
    ClientHttpResponse response;
    try (Scope ignored = handle.context.makeCurrent()) {
      response = execution.execute(request, body);
    } catch (IOException | RuntimeException | Error e) {
      core.end(handle, -1, null, e);
      throw e;
    }
    core.end(handle, response.getStatusCode().value(), null, null);
    return response;
  }
}
