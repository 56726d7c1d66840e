// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitingSamplerTest {

  private static boolean sample(RateLimitingSampler sampler) {
    return sampler
            .shouldSample(
                Context.root(),
                IdGenerator.random().generateTraceId(),
                "op",
                SpanKind.SERVER,
                Attributes.empty(),
                List.of())
            .getDecision()
        == SamplingDecision.RECORD_AND_SAMPLE;
  }

  @Test
  void keepsExactlyTheBucketUnderEightThreadsAndRefillsWithTime() throws Exception {
    TestClock clock = TestClock.create();
    RateLimitingSampler sampler = RateLimitingSampler.builder(100).setClock(clock).build();
    AtomicLong kept = new AtomicLong();
    int threads = 8;
    int callsPerThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < callsPerThread; i++) {
                    if (sample(sampler)) {
                      kept.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      // The clock stood still: exactly one full bucket, no more, despite 160k racing calls.
      assertThat(kept.get()).isEqualTo(100);

      clock.advance(Duration.ofMillis(250));
      kept.set(0);
      futures.clear();
      CountDownLatch go2 = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  go2.await();
                  for (int i = 0; i < 1000; i++) {
                    if (sample(sampler)) {
                      kept.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      go2.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(kept.get()).isEqualTo(25);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void longIdleDoesNotAccumulateMoreThanOneSecond() {
    TestClock clock = TestClock.create();
    RateLimitingSampler sampler = RateLimitingSampler.builder(5).setClock(clock).build();
    clock.advance(Duration.ofMinutes(10));
    int kept = 0;
    for (int i = 0; i < 100; i++) {
      kept += sample(sampler) ? 1 : 0;
    }
    assertThat(kept).isEqualTo(5);
  }

  @Test
  void fractionalRateKeepsOneTraceEveryFewSeconds() {
    TestClock clock = TestClock.create();
    RateLimitingSampler sampler = RateLimitingSampler.builder(0.5).setClock(clock).build();
    int kept = 0;
    for (int second = 0; second < 10; second++) {
      for (int i = 0; i < 10; i++) {
        kept += sample(sampler) ? 1 : 0;
      }
      clock.advance(Duration.ofSeconds(1));
    }
    // One at start (the bucket holds one), then one every two seconds.
    assertThat(kept).isBetween(5, 6);
  }

  @Test
  void rejectsNonPositiveRate() {
    assertThatThrownBy(() -> RateLimitingSampler.create(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimitingSampler.create(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
