// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.Observability;
import io.obs.metrics.ObsMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module inside a real obs instance, without the endpoint server. */
class MetricsModuleTest {

  private static Observability start(Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.enabled", "false");
    settings.put("service.name", "checkout");
    settings.put("service.environment", "test");
    settings.put("shutdown.hook", "false");
    settings.putAll(extra);
    Observability.Builder builder =
        Observability.builder()
            .setModules(List.of(new MetricsModule()))
            .setEnvironment(Map.of())
            .setSystemProperties(Map.of())
            .setRegisterGlobal(false);
    settings.forEach(builder::set);
    return builder.build();
  }

  /** The registries obs built behind the one it published in init(), once start-up is done. */
  private static MeterRegistry real(Observability obs, MeterRegistry published) {
    try {
      assertThat(obs.awaitStarted(java.time.Duration.ofSeconds(10))).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(published).isInstanceOf(DeferredRegistry.class);
    return java.util.Objects.requireNonNull(((DeferredRegistry) published).target());
  }

  private static String scrape(Observability obs) {
    return obs.component(PrometheusMeterRegistry.class).orElseThrow().scrape();
  }

  @Test
  void bucketsMustBePositiveIncreasingNumbers() {
    assertThat(MetricsModule.parseBuckets(List.of("0.1", " 1 ", "2.5"))).containsExactly(0.1, 1.0, 2.5);
    assertThatThrownBy(() -> MetricsModule.parseBuckets(List.of("0.1", "fast")))
        .hasMessageContaining("'fast' is not a number of seconds");
    assertThatThrownBy(() -> MetricsModule.parseBuckets(List.of("1", "0.5")))
        .hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> MetricsModule.parseBuckets(List.of("0")))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> MetricsModule.parseBuckets(List.of()))
        .hasMessageContaining("must not be empty");
  }

  @Test
  void configuredBucketsApplyToHttpHistogramAndTimers() {
    try (Observability obs = start(Map.of("metrics.http.buckets", "0.2,0.4"))) {
      obs.meter("io.obs.tracing")
          .histogramBuilder("http.server.request.duration")
          .setUnit("s")
          .build()
          .record(0.3);
      obs.component(ObsMetrics.class).orElseThrow().timer("step").labels().record(
          java.time.Duration.ofMillis(300));

      obs.meter("io.obs.tracing")
          .histogramBuilder("rpc.server.duration")
          .setUnit("ms")
          .build()
          .record(300);

      String text = scrape(obs);
      assertThat(text).containsPattern("rpc_server_duration_milliseconds_bucket\\{.*le=\"400\\.0\"} 1");
      assertThat(text).containsPattern("rpc_server_duration_milliseconds_bucket\\{.*le=\"200\\.0\"} 0");
      assertThat(text).containsPattern("http_server_request_duration_seconds_bucket\\{.*le=\"0\\.2\"} 0");
      assertThat(text).containsPattern("http_server_request_duration_seconds_bucket\\{.*le=\"0\\.4\"} 1");
      assertThat(text).containsPattern("step_seconds_bucket\\{.*le=\"0\\.4\"} 1");
    }
  }

  @Test
  void commonLabelsComeFromConfiguredResourceAttributes() {
    try (Observability obs =
        start(
            Map.of(
                "metrics.common_labels", "team=team.name,zone=cloud.availability_zone",
                "resource.attributes", "team.name=payments"))) {
      obs.component(ObsMetrics.class).orElseThrow().counter("refunds").labels().increment();
      obs.meter("lib").counterBuilder("lib.calls").build().add(1);

      String text = scrape(obs);
      assertThat(text).contains("refunds_total{team=\"payments\"} 1.0");
      assertThat(text).containsPattern("lib_calls_total\\{otel_scope_name=\"lib\",team=\"payments\"} 1\\.0");
      assertThat(text).doesNotContain("service=\"checkout\"").doesNotContain("zone=");
    }
  }

  @Test
  void labelValuesLeaveRedactedLikeLogsAndSpans() {
    try (Observability obs = start(Map.of())) {
      obs.component(MeterRegistry.class).orElseThrow()
          .counter("signups", "email", "alice@example.com", "session_token", "t-1", "plan", "pro")
          .increment();
      obs.meter("lib").counterBuilder("lib.logins").build()
          .add(1, Attributes.of(AttributeKey.stringKey("user"), "bob@example.com",
              AttributeKey.stringKey("card"), "4111 1111 1111 1111"));

      String text = scrape(obs);
      assertThat(text).doesNotContain("alice@example.com", "bob@example.com", "t-1", "4111");
      assertThat(text).contains("signups_total{email=\"****\",env=\"test\",plan=\"pro\","
          + "service=\"checkout\",session_token=\"****\"} 1.0");
      assertThat(text).containsPattern(
          "lib_logins_total\\{card=\"\\*{4}\",env=\"test\",otel_scope_name=\"lib\","
              + "service=\"checkout\",user=\"\\*{4}\"} 1\\.0");
    }
  }

  @Test
  void redactionCanBeSwitchedOffForMetricLabels() {
    try (Observability obs = start(Map.of("redaction.enabled", "false"))) {
      obs.component(MeterRegistry.class).orElseThrow()
          .counter("signups", "email", "alice@example.com").increment();
      assertThat(scrape(obs))
          .contains("signups_total{email=\"alice@example.com\",env=\"test\",service=\"checkout\"} 1.0");
    }
  }

  @Test
  void invalidCommonLabelNameIsRejected() {
    assertThatThrownBy(
            () ->
                MetricsModule.commonLabels(
                    Observability.builder()
                        .setModules(List.of(new MetricsModule()))
                        .setEnvironment(Map.of())
                        .setSystemProperties(Map.of())
                        .setRegisterGlobal(false)
                        .set("server.enabled", "false")
                        .set("shutdown.hook", "false")
                        .set("metrics.common_labels", "bad-label=service.name")
                        .build()
                        .config(),
                    io.opentelemetry.sdk.resources.Resource.empty()))
        .hasMessageContaining("'bad-label' is not a valid label name");
    Observability.shutdown();
  }

  @Test
  void labelNameCheckFollowsThePrometheusGrammar() {
    assertThat(MetricsModule.isLabelName("team")).isTrue();
    assertThat(MetricsModule.isLabelName("_zone2")).isTrue();
    assertThat(MetricsModule.isLabelName("Zone_A9")).isTrue();
    assertThat(MetricsModule.isLabelName("")).isFalse();
    assertThat(MetricsModule.isLabelName("2team")).isFalse();
    assertThat(MetricsModule.isLabelName("bad-label")).isFalse();
    assertThat(MetricsModule.isLabelName("team.name")).isFalse();
    assertThat(MetricsModule.isLabelName("zoné")).isFalse();
  }

  @Test
  void jvmGroupsSwitchIndividually() throws InterruptedException {
    try (Observability obs = start(Map.of("metrics.jvm.memory", "false", "metrics.jvm.gc", "false"))) {
      // The JVM binders are bound by the background start-up.
      assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();
      String text = scrape(obs);

      assertThat(text).doesNotContain("jvm_memory_used_bytes").doesNotContain("jvm_gc_");
      assertThat(text).contains("jvm_threads_live_threads").contains("process_uptime_seconds");
      assertThat(text).contains("system_cpu_logical").doesNotContain("system_cpu_count");
      assertThat(text).doesNotContain("process_cpu_time");
    }
  }

  @Test
  void globalRegistryFeedsTheScrapeFromInitUntilClose() {
    Counter global;
    try (Observability obs = start(Map.of())) {
      // The first statement after init(), before the background start-up is done, is kept.
      global = Metrics.counter("global.hits");
      global.increment();

      assertThat(scrape(obs)).contains("global_hits_total{env=\"test\",service=\"checkout\"} 1.0");
      assertThat(Metrics.globalRegistry.getRegistries())
          .contains(obs.component(MeterRegistry.class).orElseThrow());
    }
    assertThat(Metrics.globalRegistry.getRegistries())
        .noneMatch(r -> r instanceof PrometheusMeterRegistry);
  }

  @Test
  void exporterNoneKeepsAWorkingApiWithoutPrometheus() {
    try (Observability obs = start(Map.of("metrics.exporter", "none"))) {
      MeterRegistry registry = obs.component(MeterRegistry.class).orElseThrow();
      obs.component(ObsMetrics.class).orElseThrow().counter("kept").labels().increment();

      assertThat(registry.get("kept").counter().count()).isEqualTo(1);
      assertThat(real(obs, registry)).isInstanceOf(SimpleMeterRegistry.class);
      assertThat(registry.get("kept").counter().count()).isEqualTo(1);
      assertThat(obs.component(PrometheusMeterRegistry.class)).isEmpty();
    }
  }

  @Test
  void exporterBothCombinesPrometheusAndOtlpRegistries() {
    try (Observability obs =
        start(Map.of("metrics.exporter", "both", "exporter.endpoint", "http://127.0.0.1:9"))) {
      MeterRegistry registry = obs.component(MeterRegistry.class).orElseThrow();

      assertThat(real(obs, registry)).isInstanceOf(CompositeMeterRegistry.class);
      assertThat(((CompositeMeterRegistry) real(obs, registry)).getRegistries())
          .extracting(r -> r.getClass().getSimpleName())
          .containsExactlyInAnyOrder("PrometheusMeterRegistry", "OtlpMeterRegistry");
    }
  }

  @Test
  void openTelemetryInstrumentNamedLikeMicrometerMeterAppearsOnce() {
    try (Observability obs = start(Map.of())) {
      obs.component(MeterRegistry.class).orElseThrow().counter("jobs.done").increment(5);
      obs.meter("lib").counterBuilder("jobs.done").build().add(7);

      String text = scrape(obs);
      // One family, one sample: Micrometer's; the OpenTelemetry instrument's 7 is left out.
      assertThat(text.split("# TYPE jobs_done_total", -1)).hasSize(2);
      assertThat(text.lines().filter(line -> line.startsWith("jobs_done_total{")))
          .containsExactly("jobs_done_total{env=\"test\",service=\"checkout\"} 5.0");
    }
  }

  @Test
  void micrometerMeterNamedCreatedGetsOneWarning() {
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.obs");
    logger.addHandler(handler);
    try (Observability obs = start(Map.of())) {
      MeterRegistry registry = obs.component(MeterRegistry.class).orElseThrow();
      registry.counter("jobs.created", "k", "a").increment();
      registry.counter("jobs.created", "k", "b").increment();

      assertThat(scrape(obs)).contains("jobs_total{");
      assertThat(records)
          .filteredOn(r -> r.getMessage().contains("is exposed on /metrics as"))
          .singleElement()
          .satisfies(r -> assertThat(r.getParameters()).containsExactly("jobs.created", "jobs", "created"));
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void aTakenPortIsReportedAsSuchNotAsAServerSwitchedOff() throws Exception {
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.obs");
    logger.addHandler(handler);
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
            java.net.InetAddress.getLoopbackAddress());
        Observability obs = start(Map.of("server.enabled", "true", "server.host", "127.0.0.1",
            "server.port", Integer.toString(taken.getLocalPort())))) {
      assertThat(obs.awaitStarted(Duration.ofSeconds(10))).isTrue();

      List<String> messages = records.stream()
          .map(r -> java.text.MessageFormat.format(r.getMessage(),
              r.getParameters() == null ? new Object[0] : r.getParameters()))
          .toList();
      assertThat(messages).anyMatch(m -> m.contains("cannot listen on 127.0.0.1:"
          + taken.getLocalPort()));
      assertThat(messages).anyMatch(m -> m.contains("the endpoint server could not start"));
      assertThat(messages).noneMatch(m -> m.contains("server.enabled is false"));
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void badBucketsFailInitWithThePositionWhateverFailFastSays() {
    for (String failFast : List.of("true", "false")) {
      assertThatThrownBy(
              () -> start(Map.of("fail_fast", failFast, "metrics.http.buckets", "0.1,abc")))
          .isInstanceOf(io.obs.config.ObsConfigException.class)
          .hasMessageContaining("override metrics.http.buckets: 'metrics.http.buckets':"
              + " 'abc' is not a number of seconds")
          .hasMessageContaining("nothing was started");
    }
  }

  @Test
  void switchedOffModuleStillPublishesWorkingNoOpComponents() {
    try (Observability obs = start(Map.of("modules.metrics.enabled", "false"))) {
      ObsMetrics metrics = obs.component(ObsMetrics.class).orElseThrow();
      metrics.counter("orders", "result").labels("placed").increment();

      assertThat(obs.modules()).doesNotContain("metrics");
      // A composite registry without children: its meters record nowhere.
      assertThat(obs.component(MeterRegistry.class).orElseThrow())
          .isInstanceOfSatisfying(CompositeMeterRegistry.class,
              composite -> assertThat(composite.getRegistries()).isEmpty());
    }
  }
}
