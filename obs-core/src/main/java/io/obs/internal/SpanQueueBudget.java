// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Internal: not for use outside obs. Bounds the spans waiting for export by their estimated size
 * as well as by their number. The batch processor's queue is bounded by count only, so while a
 * backend is slow, spans carrying large attributes (a 300 KB header copied into one) filled it
 * until the heap ran out. A span is admitted in front of the batch processor when both budgets
 * allow, and its share is given back when the exporter has finished with it, delivered or not;
 * the count budget equals the batch queue's size, so the batch processor never drops by itself
 * and every drop is counted here, in {@code obs.exporter.items{outcome="dropped"}}.
 */
final class SpanQueueBudget {

  /** What a span costs beyond its strings: the span object, its context, timestamps. */
  private static final long SPAN_OVERHEAD = 400;
  private static final long EVENT_OVERHEAD = 80;

  private final long maxBytes;
  private final int maxSpans;
  private final String exporterName;
  private final SelfTelemetry telemetry;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger spans = new AtomicInteger();
  // Span id to admitted size; span ids are 64 random bits, unique among the spans in flight.
  private final ConcurrentHashMap<String, Long> admitted = new ConcurrentHashMap<>();

  SpanQueueBudget(long maxBytes, int maxSpans, String exporterName, SelfTelemetry telemetry) {
    this.maxBytes = maxBytes;
    this.maxSpans = maxSpans;
    this.exporterName = exporterName;
    this.telemetry = telemetry;
  }

  /** Admits ended spans into {@code batch} within the budgets. */
  SpanProcessor admitting(SpanProcessor batch) {
    return new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {
        batch.onStart(parentContext, span);
      }

      @Override
      public boolean isStartRequired() {
        return batch.isStartRequired();
      }

      @Override
      public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
          return; // the batch processor exports sampled spans only
        }
        long size = estimate(span.toSpanData());
        if (spans.incrementAndGet() > maxSpans || bytes.addAndGet(size) > maxBytes) {
          spans.decrementAndGet();
          bytes.addAndGet(-size);
          telemetry.dropped("spans", exporterName, 1);
          return;
        }
        admitted.put(span.getSpanContext().getSpanId(), size);
        batch.onEnd(span);
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }

      @Override
      public CompletableResultCode shutdown() {
        return batch.shutdown();
      }

      @Override
      public CompletableResultCode forceFlush() {
        return batch.forceFlush();
      }
    };
  }

  /** Gives each exported span's share back once the export has finished, whatever its outcome. */
  SpanExporter releasing(SpanExporter exporter) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> batch) {
        CompletableResultCode result;
        try {
          result = exporter.export(batch);
        } catch (RuntimeException e) {
          release(batch);
          throw e;
        }
        result.whenComplete(() -> release(batch));
        return result;
      }

      @Override
      public CompletableResultCode flush() {
        return exporter.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return exporter.shutdown();
      }

      @Override
      public String toString() {
        return exporter.toString();
      }
    };
  }

  private void release(Collection<SpanData> batch) {
    for (SpanData span : batch) {
      Long size = admitted.remove(span.getSpanId());
      if (size != null) {
        bytes.addAndGet(-size);
        spans.decrementAndGet();
      }
    }
  }

  /** Bytes waiting now (for tests and diagnostics). */
  long waitingBytes() {
    return bytes.get();
  }

  /** A span's size in memory, roughly: its strings at two bytes a character, plus overheads. */
  static long estimate(SpanData span) {
    long size = SPAN_OVERHEAD + 2L * span.getName().length() + estimate(span.getAttributes());
    for (EventData event : span.getEvents()) {
      size += EVENT_OVERHEAD + 2L * event.getName().length() + estimate(event.getAttributes());
    }
    size += 64L * span.getLinks().size();
    return size;
  }

  private static long estimate(Attributes attributes) {
    long[] size = {0};
    attributes.forEach((key, value) -> size[0] += 16 + 2L * key.getKey().length()
        + (value instanceof String text ? 2L * text.length()
            : value instanceof java.util.List<?> list ? 16L * list.size()
                + list.stream().mapToLong(v -> 2L * String.valueOf(v).length()).sum()
            : 16));
    return size[0];
  }
}
