// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.sampling;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps at most {@code perSecond} new traces per second, like Jaeger's rate-limiting sampler: a
 * token bucket that refills continuously and holds at most {@code max(perSecond, 1)} tokens, so a
 * quiet service may keep one second's worth in a burst.
 *
 * <p>The bucket is one {@link AtomicLong} updated by compare-and-set (the "generic cell rate"
 * form of a token bucket), so under any number of threads exactly as many traces are kept as
 * tokens accrued: never more, and no lock on the span start path.
 *
 * @since 0.1.0
 */
public final class RateLimitingSampler implements Sampler {

  private static final SamplingResult KEEP = SamplingResult.create(SamplingDecision.RECORD_AND_SAMPLE);
  private static final SamplingResult DROP = SamplingResult.create(SamplingDecision.DROP);

  private final double perSecond;
  private final Clock clock;
  private final long emissionNanos;
  private final long burstNanos;
  // The "theoretical arrival time": when the bucket will be full again if nothing is taken.
  private final AtomicLong theoreticalArrival;

  RateLimitingSampler(double perSecond, Clock clock) {
    this.perSecond = perSecond;
    this.clock = clock;
    this.emissionNanos = Math.max(1L, Math.round(1_000_000_000d / perSecond));
    long burst = (long) Math.max(1d, Math.floor(perSecond));
    this.burstNanos = burst * emissionNanos;
    // Start full: the first second's traces are kept.
    this.theoreticalArrival = new AtomicLong(clock.nanoTime() - burstNanos);
  }

  /** A sampler keeping at most {@code perSecond} new traces per second. */
  public static RateLimitingSampler create(double perSecond) {
    return builder(perSecond).build();
  }

  /** A builder for a sampler keeping at most {@code perSecond} new traces per second. */
  public static Builder builder(double perSecond) {
    return new Builder(perSecond);
  }

  /** Takes a token if one is available; exposed for the adaptive and tail samplers' tests. */
  boolean tryAcquire() {
    long now = clock.nanoTime();
    while (true) {
      long current = theoreticalArrival.get();
      long base = Math.max(current, now - burstNanos);
      long next = base + emissionNanos;
      if (next - now > 0) {
        return false;
      }
      if (theoreticalArrival.compareAndSet(current, next)) {
        return true;
      }
    }
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    return tryAcquire() ? KEEP : DROP;
  }

  @Override
  public String getDescription() {
    return "RateLimitingSampler{" + perSecond + "/s}";
  }

  @Override
  public String toString() {
    return getDescription();
  }

  /** Builds a {@link RateLimitingSampler}. */
  public static final class Builder {
    private final double perSecond;
    private Clock clock = Clock.getDefault();

    private Builder(double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("perSecond must be positive and finite: " + perSecond);
      }
      this.perSecond = perSecond;
    }

    /** The clock whose {@code nanoTime} refills the bucket (tests use a manual one). */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public RateLimitingSampler build() {
      return new RateLimitingSampler(perSecond, clock);
    }
  }
}
