// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObsMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ObsMetrics metrics = ObsMetrics.builder(registry).build();

  @Test
  void counterRendersPrometheusNameWithTotalAndDeclaredLabels() {
    metrics.counter("orders.placed", "channel", "region").labels("web", "eu").increment(3);

    assertThat(registry.scrape())
        .contains("orders_placed_total{channel=\"web\",region=\"eu\"} 3.0");
  }

  @Test
  void timerRendersSecondsHistogramWithLatencyBuckets() {
    metrics.timer("checkout.step", "step").labels("pay").record(Duration.ofMillis(30));

    String text = registry.scrape();
    assertThat(text).contains("checkout_step_seconds_bucket{step=\"pay\",le=\"0.025\"} 0");
    assertThat(text).contains("checkout_step_seconds_bucket{step=\"pay\",le=\"0.05\"} 1");
    assertThat(text).contains("checkout_step_seconds_count{step=\"pay\"} 1");
  }

  @Test
  void histogramAndSummaryCarryBaseUnit() {
    metrics.histogram("upload.size", "bytes", new double[] {1024, 1048576}, "kind")
        .labels("image")
        .record(2048);
    metrics.summary("batch.size", "items").labels().record(7);

    String text = registry.scrape();
    assertThat(text).contains("upload_size_bytes_bucket{kind=\"image\",le=\"1048576.0\"} 1");
    assertThat(text).contains("batch_size_items_sum 7.0");
  }

  @Test
  void gaugeShowsLastSetValue() {
    metrics.gauge("queue.depth", "queue").labels("mail").set(42);

    assertThat(registry.scrape()).contains("queue_depth{queue=\"mail\"} 42.0");
  }

  @Test
  void labelsByMapMatchesPositionalLabels() {
    MetricFamily<Counter> family = metrics.counter("orders.placed", "channel", "region");

    assertThat(family.labels(Map.of("region", "eu", "channel", "web")))
        .isSameAs(family.labels("web", "eu"));
  }

  @Test
  void wrongLabelCountFailsAtCallSite() {
    MetricFamily<Counter> family = metrics.counter("orders.placed", "channel", "region");

    assertThatThrownBy(() -> family.labels("web"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orders.placed")
        .hasMessageContaining("[channel, region]")
        .hasMessageContaining("1 value(s)");
  }

  @Test
  void unknownOrMissingLabelKeyFailsAtCallSite() {
    MetricFamily<Counter> family = metrics.counter("orders.placed", "channel", "region");

    assertThatThrownBy(() -> family.labels(Map.of("channel", "web", "country", "fr")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no label 'country'");
    assertThatThrownBy(() -> family.labels(Map.of("channel", "web")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 'region' is missing");
  }

  @Test
  void nullLabelValueIsRejected() {
    MetricFamily<Counter> family = metrics.counter("orders.placed", "channel");

    assertThatThrownBy(() -> family.labels((String) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'channel' is null");
  }

  @Test
  void invalidNamesAreRejectedAtRegistrationWithSuggestion() {
    assertThatThrownBy(() -> metrics.counter("OrdersCreated"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'OrdersCreated' is invalid")
        .hasMessageContaining("suggestion: 'orders_created'");
    assertThatThrownBy(() -> metrics.counter("orders-created"))
        .hasMessageContaining("suggestion: 'orders.created'");
    assertThatThrownBy(() -> metrics.counter("orders.created"))
        .hasMessageContaining("strips a trailing 'created'")
        .hasMessageContaining("exposed as orders")
        .hasMessageContaining("'created.orders'");
    assertThatThrownBy(() -> metrics.gauge("build.info"))
        .hasMessageContaining("strips a trailing 'info'");
    assertThatThrownBy(() -> metrics.counter("orders.placed.total"))
        .hasMessageContaining("ends with 'total'");
    assertThatThrownBy(() -> metrics.timer("checkout.duration.seconds"))
        .hasMessageContaining("ends with the unit 'seconds'")
        .hasMessageContaining("declare 'checkout.duration'");
    assertThatThrownBy(() -> metrics.counter("obs.my.counter"))
        .hasMessageContaining("reserved for obs");
    assertThatThrownBy(() -> metrics.counter(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidLabelKeysAreRejectedAtRegistration() {
    assertThatThrownBy(() -> metrics.counter("orders.placed", "userId"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label key 'userId' is invalid")
        .hasMessageContaining("suggestion: 'user_id'");
    assertThatThrownBy(() -> metrics.counter("orders.placed", "http.method"))
        .hasMessageContaining("suggestion: 'http_method'");
    assertThatThrownBy(() -> metrics.counter("orders.placed", "le"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> metrics.counter("orders.placed", "service"))
        .hasMessageContaining("common label");
    assertThatThrownBy(() -> metrics.counter("orders.placed", "channel", "channel"))
        .hasMessageContaining("declared twice");
  }

  @Test
  void invalidUnitsAreRejected() {
    assertThatThrownBy(() -> metrics.summary("payload", "KB"))
        .hasMessageContaining("base unit 'KB' is invalid");
    assertThatThrownBy(() -> metrics.summary("latency", "milliseconds"))
        .hasMessageContaining("not a base unit");
    assertThatThrownBy(() -> metrics.histogram("latency", "", new double[] {2, 1}))
        .hasMessageContaining("strictly increasing");
  }

  @Test
  void redeclaringReturnsSameFamilyButConflictingDeclarationFails() {
    MetricFamily<Counter> first = metrics.counter("orders.placed", "channel");

    assertThat(metrics.counter("orders.placed", "channel")).isSameAs(first);
    assertThatThrownBy(() -> metrics.counter("orders.placed", "region"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already declared as a counter with labels [channel]");
    assertThatThrownBy(() -> metrics.gauge("orders.placed", "channel"))
        .hasMessageContaining("cannot redeclare it as a gauge");
  }

  @Test
  void familiesExposeTheirSeriesTypes() {
    MetricFamily<Timer> timer = metrics.timer("step.time");
    MetricFamily<DistributionSummary> summary = metrics.summary("payload", "bytes");

    assertThat(timer.labels()).isInstanceOf(Timer.class);
    assertThat(summary.labels()).isInstanceOf(DistributionSummary.class);
    assertThat(timer.labelKeys()).isEmpty();
  }
}
