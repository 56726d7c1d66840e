// SPDX-License-Identifier: Apache-2.0
package io.obs.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeferredRegistryTest {

  @Test
  void whatWasRecordedBeforeTheAttachIsReplayedAndLaterRecordingsAreForwarded() {
    DeferredRegistry deferred = new DeferredRegistry(Clock.SYSTEM);
    Counter counter = deferred.counter("jobs", "kind", "a");
    Timer timer = Timer.builder("latency").publishPercentileHistogram()
        .serviceLevelObjectives(Duration.ofMillis(100)).register(deferred);
    DistributionSummary summary =
        DistributionSummary.builder("size").baseUnit("bytes").scale(2).register(deferred);
    AtomicInteger queue = new AtomicInteger(7);
    Gauge.builder("queue", queue, AtomicInteger::get).register(deferred);
    AtomicLong done = new AtomicLong(3);
    FunctionCounter.builder("done", done, AtomicLong::get).register(deferred);
    LongTaskTimer longTasks = LongTaskTimer.builder("long").register(deferred);

    counter.increment(2);
    timer.record(Duration.ofMillis(50));
    timer.record(Duration.ofMillis(150));
    summary.record(10);
    LongTaskTimer.Sample early = longTasks.start();
    assertThat(counter.count()).isEqualTo(2);
    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(150);
    assertThat(summary.totalAmount()).isEqualTo(20);

    PrometheusMeterRegistry real = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    assertThat(deferred.attach(real)).isZero();
    counter.increment();
    timer.record(Duration.ofMillis(10));
    summary.record(1);
    Counter late = deferred.counter("late");
    late.increment(5);
    LongTaskTimer.Sample after = longTasks.start();

    assertThat(real.get("jobs").tag("kind", "a").counter().count()).isEqualTo(3);
    Timer realTimer = real.get("latency").timer();
    assertThat(realTimer.count()).isEqualTo(3);
    assertThat(realTimer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(210);
    assertThat(real.get("size").summary().totalAmount()).isEqualTo(22);
    assertThat(real.get("queue").gauge().value()).isEqualTo(7);
    assertThat(real.get("done").functionCounter().count()).isEqualTo(3);
    assertThat(real.get("late").counter().count()).isEqualTo(5);
    assertThat(real.get("long").longTaskTimer().activeTasks()).isEqualTo(1);
    assertThat(longTasks.activeTasks()).isEqualTo(2);
    early.stop();
    after.stop();
    // The meter's configuration reached its twin: histogram buckets and the SLO in the scrape.
    String scrape = real.scrape();
    assertThat(scrape).contains("latency_seconds_bucket{le=\"0.1\"} 2");
    assertThat(scrape).contains("size_bytes_sum 22.0");
    assertThat(counter.count()).isEqualTo(3);
  }

  @Test
  void recordingsRacingTheAttachAreCountedOnceEach() throws Exception {
    for (int round = 0; round < 20; round++) {
      DeferredRegistry deferred = new DeferredRegistry(Clock.SYSTEM);
      Counter counter = deferred.counter("hits");
      Timer timer = deferred.timer("calls");
      int threads = 4;
      int perThread = 5_000;
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < perThread; i++) {
            counter.increment();
            timer.record(1, TimeUnit.MILLISECONDS);
          }
        });
        worker.start();
        workers.add(worker);
      }
      SimpleMeterRegistry real = new SimpleMeterRegistry();
      go.countDown();
      Thread.sleep(round % 3); // attach at a different point of the recording each round
      deferred.attach(real);
      for (Thread worker : workers) {
        worker.join(10_000);
      }
      assertThat(real.get("hits").counter().count()).as("round %d", round)
          .isEqualTo(threads * perThread);
      assertThat(real.get("calls").timer().count()).as("round %d", round)
          .isEqualTo(threads * perThread);
    }
  }

  @Test
  void theBufferIsBoundedAndWhatItDropsIsCounted() {
    DeferredRegistry deferred = new DeferredRegistry(Clock.SYSTEM);
    DistributionSummary summary = deferred.summary("big");
    Counter counter = deferred.counter("sums");
    int over = 10;
    for (int i = 0; i < DeferredRegistry.MAX_BUFFERED + over; i++) {
      summary.record(1);
      counter.increment(); // a counter keeps a sum: never dropped
    }
    SimpleMeterRegistry real = new SimpleMeterRegistry();

    assertThat(deferred.attach(real)).isEqualTo(over);
    assertThat(real.get("big").summary().count()).isEqualTo(DeferredRegistry.MAX_BUFFERED);
    assertThat(real.get("sums").counter().count())
        .isEqualTo(DeferredRegistry.MAX_BUFFERED + over);
  }

  @Test
  void aGaugeWhoseObjectIsGoneIsNotCarriedOver() {
    DeferredRegistry deferred = new DeferredRegistry(Clock.SYSTEM);
    Gauge.builder("gone", new AtomicBoolean(true), b -> b.get() ? 1 : 0).register(deferred);
    System.gc();
    SimpleMeterRegistry real = new SimpleMeterRegistry();
    deferred.attach(real);
    // Either way the attach works; a collected object leaves no twin reading NaN forever.
    assertThat(real.find("gone").gauges()).allSatisfy(g -> assertThat(g.value()).isEqualTo(1));
  }
}
