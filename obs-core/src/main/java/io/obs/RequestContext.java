// SPDX-License-Identifier: Apache-2.0
package io.obs;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.Objects;
import java.util.Optional;

/**
 * The request id ({@code X-Request-ID}) of the request being served, carried in the OpenTelemetry
 * {@link Context} so that every signal can name it: obs-tracing sets it in its server
 * instrumentation, obs-logging writes it as {@code http.request.id}.
 *
 * @since 0.1.0
 */
public final class RequestContext {

  private static final ContextKey<String> REQUEST_ID = ContextKey.named("obs-request-id");

  private RequestContext() {}

  /** The request id in the current context. */
  public static Optional<String> requestId() {
    return requestId(Context.current());
  }

  /** The request id in the given context. */
  public static Optional<String> requestId(Context context) {
    return Optional.ofNullable(context.get(REQUEST_ID));
  }

  /** A context that carries the given request id. */
  public static Context withRequestId(Context context, String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    return context.with(REQUEST_ID, requestId);
  }
}
