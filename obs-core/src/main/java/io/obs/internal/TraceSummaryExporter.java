// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Internal: not for use outside obs. The {@code console} trace exporter: one line per finished
 * local trace instead of one per span, so a developer reads what happened at a glance. Spans wait
 * until their local root ends (the span whose parent is remote or absent); traces whose root never
 * arrives are printed as partial after a while, so memory stays bounded.
 */
final class TraceSummaryExporter implements SpanExporter {

  static final int MAX_PENDING_TRACES = 1024;
  static final long PARTIAL_AFTER_NANOS = 10_000_000_000L;

  private static final System.Logger LOG = System.getLogger("io.obs.traces");
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Consumer<String> out;

  TraceSummaryExporter() {
    this(line -> LOG.log(System.Logger.Level.INFO, line));
  }

  TraceSummaryExporter(Consumer<String> out) {
    this.out = out;
  }

  private static final class Pending {
    final List<SpanData> spans = new ArrayList<>();
    final long firstSeenNanos = System.nanoTime();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<String> lines = new ArrayList<>();
    synchronized (pending) {
      for (SpanData span : spans) {
        Pending trace = pending.computeIfAbsent(span.getTraceId(), id -> new Pending());
        trace.spans.add(span);
        boolean localRoot =
            !span.getParentSpanContext().isValid() || span.getParentSpanContext().isRemote();
        if (localRoot) {
          pending.remove(span.getTraceId());
          lines.add(summary(span, trace.spans, false));
        }
      }
      long now = System.nanoTime();
      Iterator<Pending> oldest = pending.values().iterator();
      while (oldest.hasNext()) {
        Pending trace = oldest.next();
        if (pending.size() <= MAX_PENDING_TRACES
            && now - trace.firstSeenNanos < PARTIAL_AFTER_NANOS) {
          break;
        }
        oldest.remove();
        lines.add(summary(null, trace.spans, true));
      }
    }
    lines.forEach(out);
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    List<String> lines = new ArrayList<>();
    synchronized (pending) {
      pending.values().forEach(trace -> lines.add(summary(null, trace.spans, true)));
      pending.clear();
    }
    lines.forEach(out);
    return CompletableResultCode.ofSuccess();
  }

  static String summary(SpanData root, List<SpanData> spans, boolean partial) {
    SpanData first = spans.get(0);
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    SpanData error = null;
    for (SpanData span : spans) {
      start = Math.min(start, span.getStartEpochNanos());
      end = Math.max(end, span.getEndEpochNanos());
      if (error == null && span.getStatus().getStatusCode() == StatusCode.ERROR) {
        error = span;
      }
    }
    SpanData named = root != null ? root : first;
    StringBuilder line = new StringBuilder("trace ").append(first.getTraceId()).append(' ')
        .append(named.getName()).append(' ')
        .append(String.format(Locale.ROOT, "%.1f ms", (end - start) / 1e6)).append(", ")
        .append(spans.size()).append(spans.size() == 1 ? " span" : " spans");
    String service = named.getResource().getAttribute(SERVICE);
    if (service != null) {
      line.append(", service ").append(service);
    }
    if (root != null && root.getParentSpanContext().isRemote()) {
      line.append(", parent ").append(root.getParentSpanContext().getSpanId());
    }
    if (error != null) {
      line.append(", ERROR in '").append(error.getName()).append('\'');
      String description = error.getStatus().getDescription();
      if (!description.isEmpty()) {
        line.append(": ").append(description);
      }
    } else {
      line.append(", OK");
    }
    if (partial) {
      line.append(" (partial: its local root had not ended)");
    }
    return line.toString();
  }
}
