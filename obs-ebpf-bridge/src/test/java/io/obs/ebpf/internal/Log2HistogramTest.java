// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class Log2HistogramTest {

  /** Writes one struct obs_hist (count, sum, 40 slots) at {@code off}. */
  private static void hist(ByteBuffer b, int off, long sum, int slot, long n, int slot2, long n2) {
    b.putLong(off, n + n2);
    b.putLong(off + 8, sum);
    b.putLong(off + 16 + slot * 8, n);
    b.putLong(off + 16 + slot2 * 8, b.getLong(off + 16 + slot2 * 8) + n2);
  }

  @Test
  void perCpuValuesAreSummed() {
    ByteBuffer b = CannedRecords.le(336 * 3);
    hist(b, 0, 1_000, 10, 2, 12, 1);
    hist(b, 336, 500, 10, 1, 20, 4);
    hist(b, 672, 0, 0, 0, 0, 0);

    Log2Histogram h = Log2Histogram.decodePerCpu(b, 0, 3);

    assertThat(h.count()).isEqualTo(8);
    assertThat(h.sumNanos()).isEqualTo(1_500);
    assertThat(h.slot(10)).isEqualTo(3);
    assertThat(h.slot(12)).isEqualTo(1);
    assertThat(h.slot(20)).isEqualTo(4);
  }

  @Test
  void deltaBetweenReadingsHasOnlyTheNewSamples() {
    Log2Histogram first = Log2Histogram.of(300, 0, 0, 0, 2);
    Log2Histogram second = Log2Histogram.of(900, 0, 0, 0, 3, 1);

    Log2Histogram delta = second.minus(first);

    assertThat(delta.count()).isEqualTo(2);
    assertThat(delta.slot(3)).isEqualTo(1);
    assertThat(delta.slot(4)).isEqualTo(1);
    assertThat(delta.sumNanos()).isEqualTo(600);
    assertThat(second.minus(null)).isEqualTo(second);
  }

  @Test
  void aSlotThatWentDownMeansTheEntryWasRecreated() {
    Log2Histogram before = Log2Histogram.of(100, 0, 5);
    Log2Histogram after = Log2Histogram.of(10, 0, 1);

    assertThat(after.minus(before)).isEqualTo(after);
  }

  @Test
  void slotBoundsArePowersOfTwo() {
    assertThat(Log2Histogram.lowerBoundNanos(0)).isZero();
    assertThat(Log2Histogram.upperBoundNanos(0)).isEqualTo(2);
    assertThat(Log2Histogram.lowerBoundNanos(10)).isEqualTo(1024);
    assertThat(Log2Histogram.upperBoundNanos(10)).isEqualTo(2048);
    assertThat(Log2Histogram.representativeNanos(10)).isEqualTo(1536);
    assertThat(Log2Histogram.upperBoundNanos(39)).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> Log2Histogram.lowerBoundNanos(40))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void quantileBoundWalksTheSlots() {
    long[] slots = new long[Log2Histogram.SLOTS];
    slots[10] = 90;
    slots[20] = 10;
    Log2Histogram h = Log2Histogram.of(0, slots);

    assertThat(h.quantileUpperBoundNanos(0.5)).isEqualTo(2048);
    assertThat(h.quantileUpperBoundNanos(0.99)).isEqualTo(1L << 21);
    assertThat(Log2Histogram.empty().quantileUpperBoundNanos(0.5)).isZero();
  }

  @Test
  void plusAddsSlotBySlot() {
    Log2Histogram a = Log2Histogram.of(10, 1, 2);
    Log2Histogram b = Log2Histogram.of(5, 0, 1, 1);

    assertThat(a.plus(b)).isEqualTo(Log2Histogram.of(15, 1, 3, 1));
  }
}
