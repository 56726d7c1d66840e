// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramReplayTest {

  private static List<double[]> replay(Log2Histogram h) {
    List<double[]> out = new ArrayList<>();
    HistogramReplay.replay(h, (v, c) -> out.add(new double[] {v, c}));
    return out;
  }

  @Test
  void valuesStayInTheirSlotAndAddUpToTheKernelSum() {
    long[] slots = new long[Log2Histogram.SLOTS];
    slots[10] = 3; // [1024, 2048)
    slots[20] = 2; // [1048576, 2097152)
    long sum = 3 * 1500 + 2 * 1_500_000L;

    List<double[]> out = replay(Log2Histogram.of(sum, slots));

    assertThat(out).hasSize(2);
    double total = 0;
    for (double[] vc : out) {
      int slot = vc[0] < 2048 ? 10 : 20;
      assertThat(vc[0]).isGreaterThanOrEqualTo(Log2Histogram.lowerBoundNanos(slot));
      assertThat(vc[0]).isLessThan(Log2Histogram.upperBoundNanos(slot));
      total += vc[0] * vc[1];
    }
    assertThat(total).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(out.get(0)[1]).isEqualTo(3);
    assertThat(out.get(1)[1]).isEqualTo(2);
  }

  @Test
  void inconsistentSumIsClampedInsideTheSlots() {
    long[] slots = new long[Log2Histogram.SLOTS];
    slots[12] = 1;

    double high = replay(Log2Histogram.of(1L << 20, slots)).get(0)[0];
    double low = replay(Log2Histogram.of(1, slots)).get(0)[0];

    assertThat(high).isLessThan(1 << 13).isGreaterThan(1 << 12);
    assertThat(low).isGreaterThan(1 << 12).isLessThan((1 << 12) * 1.000_001);
  }

  @Test
  void sdkBucketsWithTheReplayBoundsCountExactlyWhatTheKernelCounted() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    DoubleHistogram h =
        provider
            .get("test")
            .histogramBuilder("h")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(KernelMetrics.BUCKETS)
            .build();
    long[] slots = new long[Log2Histogram.SLOTS];
    slots[10] = 5; // exactly at a bucket's lower bound when the sum says so
    slots[11] = 2;
    slots[20] = 7;
    long sum = 5 * 1024 + 2 * 2048 + 7 * (1L << 20);

    HistogramReplay.replay(
        Log2Histogram.of(sum, slots),
        (v, c) -> {
          for (long i = 0; i < c; i++) {
            h.record(v / 1e9);
          }
        });

    HistogramPointData p =
        reader.collectAllMetrics().iterator().next().getHistogramData().getPoints().iterator().next();
    List<Long> counts = p.getCounts();
    // bucket 0 is (-inf, 2^10 ns], bucket k is (2^(9+k), 2^(10+k)]: slot i lands in bucket i-9
    assertThat(counts.get(1)).isEqualTo(5);
    assertThat(counts.get(2)).isEqualTo(2);
    assertThat(counts.get(11)).isEqualTo(7);
    assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(14);
    // exact up to the 1e-9 nudge that keeps values off the bucket bounds
    assertThat(p.getSum()).isCloseTo(sum / 1e9, org.assertj.core.data.Percentage.withPercentage(1e-6));
    provider.close();
  }

  @Test
  void emptyDeltaRecordsNothing() {
    assertThat(replay(Log2Histogram.empty())).isEmpty();
  }

  @Test
  void bucketBoundsArePowersOfTwoNanoseconds() {
    List<Double> b = HistogramReplay.boundariesSeconds();

    assertThat(b.get(0)).isEqualTo(1024e-9);
    assertThat(b).hasSize(25);
    for (int i = 1; i < b.size(); i++) {
      assertThat(b.get(i)).isEqualTo(b.get(i - 1) * 2);
    }
  }

  @Test
  void peerLimiterFoldsLatePeersAndKeepsAdmittedOnes() {
    PeerLimiter p = new PeerLimiter(2);

    assertThat(p.label("10.0.0.1:80")).isEqualTo("10.0.0.1:80");
    assertThat(p.label("10.0.0.2:80")).isEqualTo("10.0.0.2:80");
    assertThat(p.label("10.0.0.3:80")).isEqualTo(PeerLimiter.OTHER);
    assertThat(p.label("10.0.0.1:80")).isEqualTo("10.0.0.1:80");
    assertThat(p.folded()).isEqualTo(1);
  }
}
