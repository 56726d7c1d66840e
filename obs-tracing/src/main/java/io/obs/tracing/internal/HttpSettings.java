// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.obs.Observability;
import io.obs.tracing.TracingKeys;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Internal: not for use outside obs. What every HTTP/gRPC instrumentation point needs: the SDK and
 * the request-id policy, from obs's configuration or from defaults.
 */
public record HttpSettings(
    OpenTelemetry openTelemetry,
    boolean requestIdEnabled,
    String requestIdHeader,
    boolean captureQueryValues) {

  public static HttpSettings from(Observability obs) {
    return new HttpSettings(
        obs.openTelemetry(),
        obs.config().get(TracingKeys.REQUEST_ID_ENABLED),
        obs.config().get(TracingKeys.REQUEST_ID_HEADER),
        obs.config().get(TracingKeys.HTTP_CAPTURE_QUERY_VALUES));
  }

  /** The query as it may appear on a span. */
  public String query(String rawQuery) {
    return captureQueryValues ? rawQuery : Semconv.redactQuery(rawQuery);
  }

  public static HttpSettings defaults(OpenTelemetry openTelemetry) {
    return new HttpSettings(openTelemetry, true, "X-Request-ID", false);
  }
}
