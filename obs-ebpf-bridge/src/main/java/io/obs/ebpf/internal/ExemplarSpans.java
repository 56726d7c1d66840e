// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The spans behind kernel histogram samples, for exemplars. The kernel aggregates every call
 * into its log2 histograms without a context; only the events it also sends (failures, slow calls,
 * finished connects) carry the span that was current. {@link KernelTelemetry} offers each such
 * event here under its histogram key and log2 slot; at the next collection {@link KernelMetrics}
 * takes them and records one replayed sample of that slot with the span as its context, so the
 * SDK's exemplar reservoir keeps that span's trace and span id for the bucket.
 *
 * <p>Bounded: at most {@value #MAX_KEYS} keys wait between two collections; later ones are
 * dropped until the next collection takes what is there.
 */
public final class ExemplarSpans {
  static final int MAX_KEYS = 1024;

  private Map<Object, SpanContext[]> pending = new HashMap<>(); // guarded by this

  /** Remembers {@code span} as the latest sample of {@code key} taking {@code durationNanos}. */
  public synchronized void offer(Object key, long durationNanos, SpanContext span) {
    SpanContext[] slots = pending.get(key);
    if (slots == null) {
      if (pending.size() >= MAX_KEYS) {
        return;
      }
      slots = new SpanContext[Log2Histogram.SLOTS];
      pending.put(key, slots);
    }
    slots[slot(durationNanos)] = span;
  }

  /** What was offered since the previous call: per key, the latest span per slot (or null). */
  public synchronized Map<Object, SpanContext[]> take() {
    if (pending.isEmpty()) {
      return Map.of();
    }
    Map<Object, SpanContext[]> out = pending;
    pending = new HashMap<>();
    return out;
  }

  /** The kernel's slot of a value: floor(log2(v)), 0 for 0 and 1, clamped to the last slot. */
  static int slot(long nanos) {
    int s = nanos <= 1 ? 0 : 63 - Long.numberOfLeadingZeros(nanos);
    return Math.min(s, Log2Histogram.SLOTS - 1);
  }

  /** The slot a replayed value (see {@link HistogramReplay}) lies in. */
  static int slotOfReplayed(double valueNanos) {
    return slot((long) valueNanos);
  }

  static @Nullable SpanContext at(SpanContext @Nullable [] slots, int slot) {
    return slots == null ? null : slots[slot];
  }
}
