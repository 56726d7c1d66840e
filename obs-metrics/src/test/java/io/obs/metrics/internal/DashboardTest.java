// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.obs.Observability;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and alert rules query exactly the metric and label names obs exposes:
 * every selector and grouping label in them is checked against a real scrape.
 */
class DashboardTest {

  private static final Path DASHBOARD = Path.of("..", "docs", "dashboards", "service-overview.json");
  private static final Path RULES = Path.of("..", "docs", "alerts", "obs-rules.yml");
  private static final Pattern EXPR = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern SELECTOR =
      Pattern.compile("([a-z_:][a-z0-9_:]*)(\\{([^}]*)})?(\\[[^]]*])?");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)");
  private static final Pattern SERIES = Pattern.compile("(?m)^([a-z_:][a-z0-9_:]*)(\\{([^}]*)})? ");
  private static final Set<String> PROMQL_WORDS =
      Set.of("sum", "by", "rate", "increase", "histogram_quantile", "max", "avg", "ignoring",
          "group_left", "without", "on");
  private static final Set<String> TEMPLATE_ONLY = Set.of("le");

  /** Metric name -> label names seen in a scrape of an app with HTTP, client and GC traffic. */
  private static Map<String, Set<String>> scrapeLabels() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.enabled", "false");
    settings.put("service.name", "checkout");
    settings.put("service.environment", "test");
    settings.put("shutdown.hook", "false");
    Observability.Builder builder =
        Observability.builder()
            .setModules(List.of(new MetricsModule()))
            .setEnvironment(Map.of())
            .setSystemProperties(Map.of())
            .setRegisterGlobal(false);
    settings.forEach(builder::set);
    try (Observability obs = builder.build()) {
      Attributes server =
          Attributes.of(
              AttributeKey.stringKey("http.request.method"), "GET",
              AttributeKey.stringKey("http.route"), "/a",
              AttributeKey.longKey("http.response.status_code"), 500L);
      Attributes client =
          Attributes.of(
              AttributeKey.stringKey("http.request.method"), "GET",
              AttributeKey.stringKey("server.address"), "inventory",
              AttributeKey.longKey("http.response.status_code"), 200L);
      obs.meter("io.obs.tracing").histogramBuilder("http.server.request.duration").setUnit("s")
          .build().record(0.1, server);
      obs.meter("io.obs.tracing").histogramBuilder("http.client.request.duration").setUnit("s")
          .build().record(0.1, client);
      // What obs-tracing's GrpcTracing records for one call on each side.
      Attributes rpc =
          Attributes.builder()
              .put("rpc.system", "grpc")
              .put("rpc.service", "shop.Inventory")
              .put("rpc.method", "Reserve")
              .put("rpc.grpc.status_code", 0L)
              .build();
      obs.meter("io.obs.tracing").histogramBuilder("rpc.server.call.duration").setUnit("s")
          .build().record(0.01, rpc);
      obs.meter("io.obs.tracing").histogramBuilder("rpc.client.call.duration").setUnit("s")
          .build().record(0.01, rpc);
      obs.meter("io.obs.tracing").upDownCounterBuilder("http.server.active_requests")
          .setUnit("{request}").build().add(1, Attributes.of(
              AttributeKey.stringKey("http.request.method"), "GET"));
      obs.meter("io.obs").counterBuilder("obs.exporter.items").build().add(1,
          Attributes.of(AttributeKey.stringKey("signal"), "traces",
              AttributeKey.stringKey("exporter"), "otlp",
              AttributeKey.stringKey("outcome"), "failure"));
      io.obs.metrics.ObsMetrics metrics =
          obs.component(io.obs.metrics.ObsMetrics.class).orElseThrow();
      metrics.counter("probe", "k").labels("v").increment();
      // jvm_gc_pause_seconds appears once a GC notification arrived, asynchronously.
      io.micrometer.core.instrument.MeterRegistry registry =
          obs.component(io.micrometer.core.instrument.MeterRegistry.class).orElseThrow();
      for (int i = 0; i < 50 && registry.find("jvm.gc.pause").timer() == null; i++) {
        System.gc();
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      String text = obs.component(PrometheusMeterRegistry.class).orElseThrow().scrape();
      Map<String, Set<String>> labels = new HashMap<>();
      Matcher m = SERIES.matcher(text);
      while (m.find()) {
        Set<String> names = labels.computeIfAbsent(m.group(1), k -> new HashSet<>());
        if (m.group(3) != null) {
          Matcher label = Pattern.compile("([a-z_][a-z0-9_]*)=\"").matcher(m.group(3));
          while (label.find()) {
            names.add(label.group(1));
          }
        }
      }
      // The overflow counter exists once a metric overflowed; its labels are documented.
      labels.put("obs_metrics_cardinality_overflow_total", Set.of("metric", "service", "env"));
      return labels;
    }
  }

  private static void checkExpressions(List<String> expressions, Map<String, Set<String>> scraped) {
    assertThat(expressions).isNotEmpty();
    for (String expr : expressions) {
      String withoutStrings = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
      Matcher selector = SELECTOR.matcher(withoutStrings);
      while (selector.find()) {
        String name = selector.group(1);
        boolean isMetric = selector.group(2) != null || selector.group(4) != null;
        if (!isMetric || PROMQL_WORDS.contains(name) || name.contains(":")) {
          continue;
        }
        assertThat(scraped).as("metric %s used in %s", name, expr).containsKey(name);
        Matcher matcher = MATCHER.matcher(selector.group(3) == null ? "" : selector.group(3));
        while (matcher.find()) {
          assertThat(scraped.get(name))
              .as("label %s of %s used in %s", matcher.group(1), name, expr)
              .contains(matcher.group(1));
        }
      }
      Matcher by = Pattern.compile("by \\(([^)]*)\\)").matcher(withoutStrings);
      while (by.find()) {
        for (String label : by.group(1).split(",")) {
          String trimmed = label.trim();
          if (TEMPLATE_ONLY.contains(trimmed)) {
            continue;
          }
          assertThat(scraped.values())
              .as("grouping label %s in %s", trimmed, expr)
              .anyMatch(set -> set.contains(trimmed));
        }
      }
    }
  }

  @Test
  void dashboardQueriesMatchExposedNamesAndLabels() throws Exception {
    String json = Files.readString(DASHBOARD);
    List<String> expressions = new java.util.ArrayList<>();
    Matcher m = EXPR.matcher(json);
    while (m.find()) {
      expressions.add(m.group(1).replace("\\\"", "\""));
    }

    checkExpressions(expressions, scrapeLabels());
    assertThat(json).contains("\"exemplar\": true").contains("\"name\": \"service\"")
        .contains("\"name\": \"env\"");
  }

  @Test
  void alertRulesMatchExposedNamesAndLabels() throws Exception {
    List<String> expressions = new java.util.ArrayList<>();
    Matcher m = Pattern.compile("(?s)expr: >?\\s*(.*?)(?=\\n\\s*(?:for|labels|- record|- alert|annotations):|\\n\\s*- name:|\\z)")
        .matcher(Files.readString(RULES));
    while (m.find()) {
      expressions.add(m.group(1).replaceAll("\\s+", " ").trim());
    }

    checkExpressions(expressions, scrapeLabels());
  }
}
