// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.edges;

import io.obs.Observability;
import io.obs.metrics.ObsMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link SecretsIT}: configured (by the test's environment) with secrets in every
 * place a user puts them, it works a little with secrets in its own log lines, prints obs's
 * configuration as a careless application would, and exits.
 */
public final class SecretsApp {

  private SecretsApp() {}

  public static void main(String[] args) throws InterruptedException {
    Logger log = LoggerFactory.getLogger(SecretsApp.class);
    Observability obs = Observability.init();
    // The start-up line names every exporter's endpoint.
    obs.awaitStarted(java.time.Duration.ofSeconds(20));
    System.out.println("configuration: " + obs.config());
    Span span = obs.tracer("secrets").spanBuilder("login").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      log.atInfo().addKeyValue("password", args[0])
          .log("login with Authorization: Bearer {}", args[1]);
      obs.component(ObsMetrics.class).orElseThrow().counter("logins").labels().increment();
    } finally {
      span.end();
    }
    System.exit(0);
  }
}
