// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_hist}: a log2 histogram of nanosecond values. Slot {@code i} counts values
 * {@code v} with {@code floor(log2(v)) == i}, i.e. {@code [2^i, 2^(i+1))}; slot 0 also counts 0
 * and the last slot everything above. Per-CPU maps hold one per CPU; {@link #decodePerCpu} sums
 * them, {@link #minus} turns two cumulative readings into the samples in between.
 */
public final class Log2Histogram {
  public static final int SLOTS = 40;

  static final int OFF_COUNT = 0;
  static final int OFF_SUM = 8;
  static final int OFF_SLOTS = 16;
  static final int SIZE = OFF_SLOTS + SLOTS * 8;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_hist", SIZE)
          .field("count", OFF_COUNT, 8)
          .field("sum", OFF_SUM, 8)
          .field("slots", OFF_SLOTS, SLOTS * 8)
          .build();

  private static final Log2Histogram EMPTY = new Log2Histogram(0, 0, new long[SLOTS]);

  private final long count;
  private final long sumNanos;
  private final long[] slots;

  private Log2Histogram(long count, long sumNanos, long[] slots) {
    this.count = count;
    this.sumNanos = sumNanos;
    this.slots = slots;
  }

  public static Log2Histogram empty() {
    return EMPTY;
  }

  /** A histogram from explicit slot counts; count is their sum. */
  public static Log2Histogram of(long sumNanos, long... slotCounts) {
    if (slotCounts.length > SLOTS) {
      throw new IllegalArgumentException("at most " + SLOTS + " slots, got " + slotCounts.length);
    }
    long[] slots = Arrays.copyOf(slotCounts, SLOTS);
    long count = 0;
    for (long c : slots) {
      if (c < 0) {
        throw new IllegalArgumentException("negative slot count " + c);
      }
      count += c;
    }
    return new Log2Histogram(count, sumNanos, slots);
  }

  /** Decodes one {@code struct obs_hist} at {@code offset} of a little-endian buffer. */
  public static Log2Histogram decode(ByteBuffer buf, int offset) {
    return decodePerCpu(buf, offset, 1);
  }

  /**
   * Sums {@code cpus} consecutive {@code struct obs_hist} values, as a per-CPU map lookup returns
   * them (each value padded to 8 bytes, which obs_hist already is).
   */
  public static Log2Histogram decodePerCpu(ByteBuffer buf, int offset, int cpus) {
    long count = 0;
    long sum = 0;
    long[] slots = new long[SLOTS];
    for (int cpu = 0; cpu < cpus; cpu++) {
      int base = offset + cpu * SIZE;
      count += buf.getLong(base + OFF_COUNT);
      sum += buf.getLong(base + OFF_SUM);
      for (int i = 0; i < SLOTS; i++) {
        slots[i] += buf.getLong(base + OFF_SLOTS + i * 8);
      }
    }
    return new Log2Histogram(count, sum, slots);
  }

  /** The inclusive lower bound of slot {@code i} in nanoseconds. */
  public static long lowerBoundNanos(int slot) {
    checkSlot(slot);
    return slot == 0 ? 0 : 1L << slot;
  }

  /** The exclusive upper bound of slot {@code i}; {@link Long#MAX_VALUE} for the last slot. */
  public static long upperBoundNanos(int slot) {
    checkSlot(slot);
    return slot == SLOTS - 1 ? Long.MAX_VALUE : 1L << (slot + 1);
  }

  /** A value inside slot {@code i} that stands for its samples: the midpoint 1.5 * 2^i. */
  public static long representativeNanos(int slot) {
    checkSlot(slot);
    return slot == 0 ? 1 : (1L << slot) + (1L << (slot - 1));
  }

  private static void checkSlot(int slot) {
    if (slot < 0 || slot >= SLOTS) {
      throw new IndexOutOfBoundsException("slot " + slot);
    }
  }

  public long count() {
    return count;
  }

  public long sumNanos() {
    return sumNanos;
  }

  public long slot(int i) {
    return slots[i];
  }

  public Log2Histogram plus(Log2Histogram other) {
    long[] s = new long[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      s[i] = slots[i] + other.slots[i];
    }
    return new Log2Histogram(count + other.count, sumNanos + other.sumNanos, s);
  }

  /**
   * The samples added since {@code earlier}, a previous reading of the same cumulative histogram.
   * When a slot went down (the kernel map entry was recreated) the whole reading counts as new.
   */
  public Log2Histogram minus(@Nullable Log2Histogram earlier) {
    if (earlier == null) {
      return this;
    }
    long[] s = new long[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      s[i] = slots[i] - earlier.slots[i];
      if (s[i] < 0) {
        return this;
      }
    }
    return new Log2Histogram(count - earlier.count, sumNanos - earlier.sumNanos, s);
  }

  /** The smallest slot bound below which at least {@code quantile} of the samples fall. */
  public long quantileUpperBoundNanos(double quantile) {
    if (count == 0) {
      return 0;
    }
    long target = (long) Math.ceil(quantile * count);
    long seen = 0;
    for (int i = 0; i < SLOTS; i++) {
      seen += slots[i];
      if (seen >= target) {
        return upperBoundNanos(i);
      }
    }
    return upperBoundNanos(SLOTS - 1);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Log2Histogram other
        && count == other.count
        && sumNanos == other.sumNanos
        && Arrays.equals(slots, other.slots);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + Arrays.hashCode(slots);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Log2Histogram{count=").append(count);
    sb.append(", sumNanos=").append(sumNanos).append(", slots={");
    boolean first = true;
    for (int i = 0; i < SLOTS; i++) {
      if (slots[i] != 0) {
        sb.append(first ? "" : ", ").append(i).append('=').append(slots[i]);
        first = false;
      }
    }
    return sb.append("}}").toString();
  }
}
