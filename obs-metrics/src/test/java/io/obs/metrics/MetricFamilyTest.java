// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricFamilyTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ObsMetrics metrics = ObsMetrics.builder(registry).setCardinalityLimit(3).build();
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger(MetricFamily.class.getName());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (warnings) {
            warnings.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureWarnings() {
    julLogger.addHandler(capture);
  }

  @AfterEach
  void release() {
    julLogger.removeHandler(capture);
  }

  private double count(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void labelSetsBeyondLimitFoldIntoOneOverflowSeriesExactly() {
    MetricFamily<Counter> family = metrics.counter("orders.placed", "channel", "user");

    family.labels("web", "u1").increment();
    family.labels("web", "u2").increment();
    family.labels("app", "u3").increment();
    family.labels("web", "u4").increment(); // folded
    family.labels("app", "u5").increment(2); // folded
    family.labels("web", "u1").increment(); // existing series, not folded

    assertThat(count("orders.placed", "channel", "web", "user", "u1")).isEqualTo(2);
    assertThat(count("orders.placed", "channel", "web", "user", "u2")).isEqualTo(1);
    assertThat(count("orders.placed", "channel", "app", "user", "u3")).isEqualTo(1);
    assertThat(count("orders.placed", "channel", "other", "user", "other")).isEqualTo(3);
    assertThat(count("orders.placed", "user", "u4")).isZero();
    assertThat(count(ObsMetrics.OVERFLOW_METRIC, "metric", "orders.placed")).isEqualTo(2);
    assertThat(registry.find("orders.placed").counters()).hasSize(4);
  }

  @Test
  void oneWarningNamesMetricAndExplodingLabel() {
    MetricFamily<Counter> family = metrics.counter("orders.placed", "channel", "user");
    for (int i = 0; i < 10; i++) {
      family.labels("web", "user-" + i).increment();
    }

    List<LogRecord> mine;
    synchronized (warnings) {
      mine = warnings.stream().filter(r -> String.valueOf(r.getParameters()[0]).equals(
          "orders.placed")).toList();
    }
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).getParameters()).containsExactly("orders.placed", 3, "other", "user");
  }

  @Test
  void memoryStaysBoundedUnderUnboundedLabelValues() {
    MetricFamily<Counter> family = metrics.counter("requests", "path");
    for (int i = 0; i < 100_000; i++) {
      family.labels("/item/" + i).increment();
    }

    assertThat(family.seriesCount()).isEqualTo(3);
    assertThat(registry.find("requests").counters()).hasSize(4);
    assertThat(count("requests", "path", "other")).isEqualTo(99_997);
    assertThat(count(ObsMetrics.OVERFLOW_METRIC, "metric", "requests")).isEqualTo(99_997);
  }

  @Test
  void limitIsExactUnderConcurrentRegistration() throws Exception {
    ObsMetrics wide = ObsMetrics.builder(registry).setCardinalityLimit(50).build();
    MetricFamily<Counter> family = wide.counter("jobs.done", "job_name");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    family.labels("job-" + (i * 4 + offset)).increment();
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(family.seriesCount()).isEqualTo(50);
    double total = registry.find("jobs.done").counters().stream().mapToDouble(Counter::count).sum();
    assertThat(total).isEqualTo(4000);
    assertThat(count("jobs.done", "job_name", "other")).isEqualTo(3950);
  }

  @Test
  void gaugeOverflowSharesOneValue() {
    MetricFamily<GaugeValue> family = metrics.gauge("pool.size", "pool");
    for (int i = 0; i < 5; i++) {
      family.labels("p" + i).set(i);
    }

    assertThat(family.labels("p9")).isSameAs(family.labels("p10"));
    assertThat(registry.find("pool.size").tag("pool", "other").gauge().value()).isEqualTo(4);
  }

  @Test
  void overflowSharesTheSeriesOfARealAllOtherLabelSet() {
    MetricFamily<GaugeValue> family = metrics.gauge("pool.size", "pool");
    GaugeValue other = family.labels("other");
    family.labels("a");
    family.labels("b");

    assertThat(family.labels("c")).isSameAs(other);
    family.labels("d").set(7);
    assertThat(registry.find("pool.size").tag("pool", "other").gauge().value()).isEqualTo(7);
  }
}
