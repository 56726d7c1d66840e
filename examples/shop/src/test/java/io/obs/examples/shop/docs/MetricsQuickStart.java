// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.obs.Observability;
import io.obs.metrics.MetricFamily;
import io.obs.metrics.ObsMetrics;
import java.time.Duration;

/** The opening example of docs/metrics.md; {@code DocSnippetsTest} runs it and scrapes. */
final class MetricsQuickStart {

  private MetricsQuickStart() {}

  static MeterRegistry main() {
    // tag::metrics-api[]
    Observability obs = Observability.init();
    ObsMetrics metrics = obs.component(ObsMetrics.class).orElseThrow();

    MetricFamily<Counter> orders = metrics.counter("orders.placed", "channel", "region");
    orders.labels("web", "eu").increment();          // orders_placed_total{channel="web",region="eu",service=...,env=...}

    MetricFamily<Timer> step = metrics.timer("checkout.step", "step");
    step.labels("payment").record(Duration.ofMillis(42)); // checkout_step_seconds_bucket{le=...}

    MeterRegistry registry = obs.component(MeterRegistry.class).orElseThrow(); // plain Micrometer
    Metrics.counter("cache.misses").increment();                               // the global registry works too
    // end::metrics-api[]
    return registry;
  }
}
