// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal: not for use outside obs.
 *
 * <p>Turns the new samples of a kernel log2 histogram into values to record in an OpenTelemetry
 * histogram whose bucket bounds are powers of two nanoseconds ({@link #boundariesSeconds}). The
 * kernel keeps only the count per slot and the total sum, so every sample of slot {@code i} is
 * replayed as {@code 2^i * (1 + a)} with one {@code a} in (0, 1) chosen so the replayed values add
 * up to the kernel's exact sum: each value stays inside its slot (bucket counts exact) and the sum
 * is exact whenever the kernel's samples were inside their slots (always, except values clamped
 * into the last slot).
 */
public final class HistogramReplay {
  /** Lowest and highest bucket bound exponents: 2^10 ns (~1 us) to 2^34 ns (~17 s). */
  static final int MIN_BOUND_EXP = 10;

  static final int MAX_BOUND_EXP = 34;

  private static final double MIN_FRACTION = 1e-9;
  private static final double MAX_FRACTION = 1 - 1e-9;

  private HistogramReplay() {}

  /** Receives {@code count} samples of {@code valueNanos}. */
  @FunctionalInterface
  public interface Sink {
    void record(double valueNanos, long count);
  }

  /** Explicit bucket bounds in seconds matching the kernel slots: 2^10 ns ... 2^34 ns. */
  public static List<Double> boundariesSeconds() {
    List<Double> bounds = new ArrayList<>();
    for (int e = MIN_BOUND_EXP; e <= MAX_BOUND_EXP; e++) {
      bounds.add((double) (1L << e) / 1e9);
    }
    return List.copyOf(bounds);
  }

  /** Replays {@code delta} into {@code sink}, one call per non-empty slot. */
  public static void replay(Log2Histogram delta, Sink sink) {
    if (delta.count() <= 0) {
      return;
    }
    double base = 0;
    for (int i = 0; i < Log2Histogram.SLOTS; i++) {
      base += (double) delta.slot(i) * slotFloor(i);
    }
    double a = base > 0 ? delta.sumNanos() / base - 1 : 0;
    // Strictly above 2^i: OpenTelemetry buckets include their upper bound, so a value of exactly
    // 2^i would land in the bucket of slot i-1. Strictly below 2^(i+1) for the same reason.
    a = Math.max(MIN_FRACTION, Math.min(a, MAX_FRACTION));
    for (int i = 0; i < Log2Histogram.SLOTS; i++) {
      long c = delta.slot(i);
      if (c > 0) {
        sink.record(slotFloor(i) * (1 + a), c);
      }
    }
  }

  /** Slot 0 holds 0 and 1 ns; treating its floor as 1 keeps the formula uniform. */
  private static double slotFloor(int slot) {
    return (double) (1L << slot);
  }
}
