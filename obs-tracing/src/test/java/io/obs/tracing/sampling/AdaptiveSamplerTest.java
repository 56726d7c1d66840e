// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveSamplerTest {

  private static final IdGenerator IDS = IdGenerator.random();

  /** Offers {@code perSecond} new traces per second for {@code seconds}; returns kept per second. */
  private static double run(AdaptiveSampler sampler, TestClock clock, int perSecond, int seconds) {
    int kept = 0;
    long stepNanos = 1_000_000_000L / perSecond;
    for (int s = 0; s < seconds; s++) {
      for (int i = 0; i < perSecond; i++) {
        if (sampler
                .shouldSample(
                    Context.root(),
                    IDS.generateTraceId(),
                    "op",
                    SpanKind.SERVER,
                    Attributes.empty(),
                    List.of())
                .getDecision()
            == SamplingDecision.RECORD_AND_SAMPLE) {
          kept++;
        }
        clock.advance(Duration.ofNanos(stepNanos));
      }
    }
    return kept / (double) seconds;
  }

  @Test
  void convergesToTheTargetRateWhateverTheTraffic() {
    TestClock clock = TestClock.create();
    AdaptiveSampler sampler =
        AdaptiveSampler.builder(10).setWindow(Duration.ofSeconds(10)).setClock(clock).build();

    run(sampler, clock, 1000, 10); // warm-up: the window fills
    double keptAtThousand = run(sampler, clock, 1000, 20);
    assertThat(keptAtThousand).isBetween(7.0, 13.0);
    assertThat(sampler.currentProbability()).isBetween(0.009, 0.011);

    // Traffic rises fivefold: within one window the rate is back near the target.
    run(sampler, clock, 5000, 10);
    double keptAtFiveThousand = run(sampler, clock, 5000, 10);
    assertThat(keptAtFiveThousand).isBetween(7.0, 13.0);
  }

  @Test
  void keepsEverythingBelowTheTarget() {
    TestClock clock = TestClock.create();
    AdaptiveSampler sampler = AdaptiveSampler.builder(50).setClock(clock).build();
    run(sampler, clock, 20, 12);
    assertThat(run(sampler, clock, 20, 10)).isEqualTo(20.0);
    assertThat(sampler.currentProbability()).isEqualTo(1.0);
  }

  @Test
  void quietPeriodRaisesTheProbabilityAgain() {
    TestClock clock = TestClock.create();
    AdaptiveSampler sampler =
        AdaptiveSampler.builder(10).setWindow(Duration.ofSeconds(2)).setClock(clock).build();
    run(sampler, clock, 1000, 4);
    assertThat(sampler.currentProbability()).isLessThan(0.05);
    clock.advance(Duration.ofSeconds(30));
    run(sampler, clock, 5, 3);
    assertThat(sampler.currentProbability()).isEqualTo(1.0);
  }
}
