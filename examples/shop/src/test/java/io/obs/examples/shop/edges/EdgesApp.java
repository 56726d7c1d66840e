// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.edges;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.obs.Observability;
import io.obs.metrics.ObsMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link LifecycleEdgesIT}: an application that records in the very statements
 * around {@code init()} and exits without closing anything. Configured by environment variables
 * only.
 */
public final class EdgesApp {

  static final int ITEMS = 200;

  private EdgesApp() {}

  public static void main(String[] args) throws InterruptedException {
    Logger log = LoggerFactory.getLogger(EdgesApp.class);
    Observability obs = Observability.init();
    switch (args[0]) {
      case "first" -> {
        // The first statements after init(): each surface once, nothing waited for.
        Metrics.counter("first.global").increment();
        obs.component(MeterRegistry.class).orElseThrow().counter("first.component").increment();
        obs.component(ObsMetrics.class).orElseThrow().counter("first.family").labels().increment();
        obs.tracer("edges").spanBuilder("first-span").startSpan().end();
        System.out.println("RECORDED");
        Thread.sleep(120_000); // the test stops this process when it has seen everything
      }
      case "exit" -> {
        ObsMetrics metrics = obs.component(ObsMetrics.class).orElseThrow();
        for (int i = 0; i < ITEMS; i++) {
          obs.tracer("edges").spanBuilder("work-" + i).startSpan().end();
          log.info("work {} done", i);
          metrics.counter("work.done").labels().increment();
        }
        System.exit(0);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
