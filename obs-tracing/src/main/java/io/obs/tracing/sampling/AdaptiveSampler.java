// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.sampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Aims at a target number of new traces per second whatever the traffic: it measures the rate of
 * new traces over a sliding window (ten slots) and keeps each with probability {@code target /
 * rate}, decided by trace id like the ratio sampler, so the result is the "keep 1%" advice tuned
 * continuously instead of by hand.
 *
 * <p>Until the first slot completes every trace is kept (nothing is known about the rate yet);
 * afterwards the probability follows the measured rate with at most one slot of delay, so a burst
 * is sampled down within {@code window / 10}.
 *
 * @since 0.1.0
 */
public final class AdaptiveSampler implements Sampler {

  static final int SLOTS = 10;

  private final double target;
  private final Duration window;
  private final Clock clock;
  private final long slotNanos;
  private final LongAdder currentSlot = new LongAdder();
  private final long[] completed = new long[SLOTS];
  private int completedCount;
  private int next;
  private volatile long slotEnd;
  private volatile double probability = 1.0;
  private volatile Sampler ratio = Sampler.alwaysOn();

  AdaptiveSampler(double target, Duration window, Clock clock) {
    this.target = target;
    this.window = window;
    this.clock = clock;
    this.slotNanos = Math.max(1L, window.toNanos() / SLOTS);
    this.slotEnd = clock.nanoTime() + slotNanos;
  }

  /** A sampler aiming at {@code targetPerSecond} new traces per second over a 10 s window. */
  public static AdaptiveSampler create(double targetPerSecond) {
    return builder(targetPerSecond).build();
  }

  /** A builder for a sampler aiming at {@code targetPerSecond} new traces per second. */
  public static Builder builder(double targetPerSecond) {
    return new Builder(targetPerSecond);
  }

  /** The probability currently applied to new traces. */
  public double currentProbability() {
    return probability;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    long now = clock.nanoTime();
    if (now - slotEnd >= 0) {
      roll(now);
    }
    currentSlot.increment();
    return ratio.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  // Rare (once per slot), so a lock here costs nothing on the common path.
  private synchronized void roll(long now) {
    if (now - slotEnd < 0) {
      return; // another thread rolled already
    }
    long count = currentSlot.sumThenReset();
    completed[next] = count;
    next = (next + 1) % SLOTS;
    completedCount = Math.min(SLOTS, completedCount + 1);
    // Slots that passed with no traffic at all count as empty.
    long missed = Math.min(SLOTS, (now - slotEnd) / slotNanos);
    for (long i = 0; i < missed; i++) {
      completed[next] = 0;
      next = (next + 1) % SLOTS;
      completedCount = Math.min(SLOTS, completedCount + 1);
    }
    long total = 0;
    for (int i = 0; i < SLOTS; i++) {
      total += completed[i];
    }
    double seconds = completedCount * (slotNanos / 1e9);
    double rate = total / seconds;
    double p = rate <= target ? 1.0 : target / rate;
    probability = p;
    ratio = p >= 1.0 ? Sampler.alwaysOn() : Sampler.traceIdRatioBased(p);
    slotEnd = now - ((now - slotEnd) % slotNanos) + slotNanos;
  }

  @Override
  public String getDescription() {
    return "AdaptiveSampler{target=" + target + "/s, window=" + window + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }

  /** Builds an {@link AdaptiveSampler}. */
  public static final class Builder {
    private final double target;
    private Duration window = Duration.ofSeconds(10);
    private Clock clock = Clock.getDefault();

    private Builder(double target) {
      if (!(target > 0) || Double.isInfinite(target)) {
        throw new IllegalArgumentException("target must be positive and finite: " + target);
      }
      this.target = target;
    }

    /** The sliding window over which the incoming rate is measured (at least 10 ms). */
    public Builder setWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.toMillis() < 10) {
        throw new IllegalArgumentException("window must be at least 10ms: " + window);
      }
      this.window = window;
      return this;
    }

    /** The clock that times the window (tests use a manual one). */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public AdaptiveSampler build() {
      return new AdaptiveSampler(target, window, clock);
    }
  }
}
