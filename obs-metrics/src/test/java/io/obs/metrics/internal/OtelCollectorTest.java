// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.internal.redact.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OtelCollectorTest {

  private final PrometheusMetricReader reader = PrometheusMetricReader.builder().build();
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final PrometheusMeterRegistry micrometer =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private static Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("service", "checkout");
    labels.put("env", "prod");
    return labels;
  }

  @Test
  void everyOpenTelemetrySeriesGetsCommonLabelsAndHelp() {
    provider.get("lib").counterBuilder("obs.exporter.items").setUnit("{item}").build().add(2);
    provider.get("lib").gaugeBuilder("pool.usage").buildWithCallback(g -> g.record(0.5));
    micrometer.getPrometheusRegistry().register(new OtelCollector(reader, labels(), Set::of, Redactor::disabled));

    String text = micrometer.scrape();
    assertThat(text).containsPattern("obs_exporter_items_total\\{.*env=\"prod\".*service=\"checkout\".*} 2\\.0");
    assertThat(text).containsPattern("pool_usage\\{.*env=\"prod\".*service=\"checkout\".*} 0\\.5");
    assertThat(text).containsPattern("target_info\\{.*service=\"checkout\"");
    assertThat(text).contains("# HELP obs_exporter_items_total obs_exporter_items");
    assertThat(text).contains("# HELP target_info Target metadata");
  }

  @Test
  void instrumentsOwnAttributeWinsOverCommonLabel() {
    provider
        .get("lib")
        .counterBuilder("calls")
        .build()
        .add(1, Attributes.of(AttributeKey.stringKey("service"), "payments"));
    micrometer.getPrometheusRegistry().register(new OtelCollector(reader, labels(), Set::of, Redactor::disabled));

    String text = micrometer.scrape();
    assertThat(text).containsPattern("calls_total\\{.*service=\"payments\"");
    assertThat(text).doesNotContain("service=\"checkout\"}");
  }

  @Test
  void openTelemetryMetricNamedLikeMicrometerMeterIsLeftOutOnce() {
    Counter.builder("jobs.done").register(micrometer).increment(5);
    provider.get("lib").counterBuilder("jobs.done").build().add(7);
    provider.get("lib").counterBuilder("jobs.failed").build().add(1);
    micrometer
        .getPrometheusRegistry()
        .register(new OtelCollector(reader, labels(), () -> Set.of("jobs_done"), Redactor::disabled));

    String text = micrometer.scrape();
    assertThat(text).contains("jobs_done_total 5.0");
    assertThat(text).doesNotContain("jobs_done_total{");
    assertThat(text).containsPattern("jobs_failed_total\\{.*} 1\\.0");
  }

  @Test
  void familyNameIgnoresTypeSuffixes() {
    assertThat(OtelCollector.familyName("jobs_done_total")).isEqualTo("jobs_done");
    assertThat(OtelCollector.familyName("a.b_info")).isEqualTo("a_b");
    assertThat(OtelCollector.familyName("latency_seconds")).isEqualTo("latency_seconds");
  }
}
