// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Internal: not for use outside obs. What the endpoint server counts, on obs's self-telemetry
 * meter, so that {@code /metrics} shows an attack or an overload as it happens: {@code
 * obs.server.requests{outcome}} and the open connections, {@code obs.server.connections}.
 */
final class EndpointTelemetry implements AutoCloseable {

  /** A handler or probe answered, whatever the status. */
  static final String SERVED = "served";
  /** Answered 503 and closed: the connection limit or the work queue was full. */
  static final String REJECTED = "rejected";
  /** Closed because the request or the taking of the response outlasted its timeout. */
  static final String TIMEOUT = "timeout";
  /** Refused by the server itself: malformed, too large, wrong method, unknown path (4xx). */
  static final String INVALID = "invalid";
  /** Answered 401: the bearer token was missing or wrong. */
  static final String UNAUTHORIZED = "unauthorized";
  /** The handler threw; answered 500. */
  static final String FAILED = "failed";

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  private final LongCounter requests;
  private final ObservableLongGauge connections;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final Attributes served = Attributes.of(OUTCOME, SERVED);
  private final Attributes rejectedAttributes = Attributes.of(OUTCOME, REJECTED);
  private final Attributes timeoutAttributes = Attributes.of(OUTCOME, TIMEOUT);
  private final Attributes invalid = Attributes.of(OUTCOME, INVALID);
  private final Attributes unauthorized = Attributes.of(OUTCOME, UNAUTHORIZED);
  private final Attributes failed = Attributes.of(OUTCOME, FAILED);

  EndpointTelemetry(Meter meter) {
    requests = meter.counterBuilder("obs.server.requests")
        .setDescription("Requests to obs's endpoint server, by outcome: served, rejected (503,"
            + " overload), timeout, invalid, unauthorized, failed.")
        .setUnit("{request}")
        .build();
    connections = meter.gaugeBuilder("obs.server.connections")
        .ofLongs()
        .setDescription("Open connections of obs's endpoint server.")
        .setUnit("{connection}")
        .buildWithCallback(measurement -> measurement.record(open.get()));
  }

  void count(String outcome) {
    switch (outcome) {
      case SERVED -> requests.add(1, served);
      case REJECTED -> {
        rejected.incrementAndGet();
        requests.add(1, rejectedAttributes);
      }
      case TIMEOUT -> {
        timedOut.incrementAndGet();
        requests.add(1, timeoutAttributes);
      }
      case INVALID -> requests.add(1, invalid);
      case UNAUTHORIZED -> requests.add(1, unauthorized);
      case FAILED -> requests.add(1, failed);
      default -> throw new IllegalArgumentException("unknown outcome " + outcome);
    }
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  int openConnections() {
    return open.get();
  }

  long rejected() {
    return rejected.get();
  }

  long timedOut() {
    return timedOut.get();
  }

  @Override
  public void close() {
    connections.close();
  }
}
