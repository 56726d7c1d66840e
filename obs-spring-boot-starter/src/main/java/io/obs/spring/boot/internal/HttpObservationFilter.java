// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import java.util.Set;

/**
 * Internal: not for use outside obs. Turns off Spring's own HTTP observations where obs
 * instruments the same requests: Spring WebFlux observes every server request through whatever
 * {@code ObservationRegistry} the context holds, with no auto-configuration to leave out, and a
 * client built by hand may still carry one. Without this, each such request would have a second
 * server or client span and an {@code http.server.requests} timer beside obs's histogram.
 */
final class HttpObservationFilter implements ObservationPredicate {

  /** Spring Framework 6 and 7's HTTP observation contexts: servlet, WebFlux and both clients. */
  private static final Set<String> HTTP_CONTEXTS = Set.of(
      "org.springframework.http.server.observation.ServerRequestObservationContext",
      "org.springframework.http.server.reactive.observation.ServerRequestObservationContext",
      "org.springframework.http.client.observation.ClientRequestObservationContext",
      "org.springframework.web.reactive.function.client.ClientRequestObservationContext");

  @Override
  public boolean test(String name, Observation.Context context) {
    return !HTTP_CONTEXTS.contains(context.getClass().getName());
  }
}
