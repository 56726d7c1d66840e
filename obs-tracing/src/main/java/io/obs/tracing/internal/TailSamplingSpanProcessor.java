// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Tail sampling in front of the exporting processor.
 *
 * <p>Spans the head sampler kept (sampled flag set) pass straight through. Record-only spans are
 * held per trace id until every local root of that trace in this process has ended; then the
 * whole local trace is exported if any span ended with error status or a local root took longer
 * than the latency threshold, and dropped otherwise (the head sampler, i.e. the base sampler,
 * already said no).
 *
 * <p>Bounds, all counted: at most {@code maxTraces} traces are held; a new trace beyond that
 * evicts the oldest, which is decided early on the evidence so far (error seen, or its first span
 * started longer ago than the threshold, which makes its root slow whatever happens next); a trace
 * whose root has not ended within {@code timeout} is decided the same way; spans beyond {@code
 * maxSpansPerTrace} are dropped ({@code span_limit}) but still count as evidence. Spans that end
 * after their trace was decided follow the decision while it is remembered (the last {@code
 * maxTraces} decisions) and are otherwise exported only when they carry an error.
 */
public final class TailSamplingSpanProcessor implements SpanProcessor {

  private static final System.Logger LOG = System.getLogger("io.obs.tracing");
  private static final Attributes HEAD_SAMPLED =
      Attributes.of(SelfMetrics.SAMPLER, "tail", SelfMetrics.REASON, "base");

  /** Settings of the tail sampler. */
  public record Settings(
      Duration latencyThreshold, int maxTraces, int maxSpansPerTrace, Duration timeout) {}

  private static final class TraceBuffer {
    final long firstStartNanos;
    final List<SpanData> spans = new ArrayList<>();
    int openRoots;
    int droppedSpans;
    boolean error;
    boolean slow;

    TraceBuffer(long firstStartNanos) {
      this.firstStartNanos = firstStartNanos;
    }
  }

  private enum Outcome {
    ERROR("error", true),
    SLOW("slow", true),
    NOT_KEPT("not_kept", false),
    OVERFLOW("overflow", false),
    TIMEOUT("timeout", false),
    SHUTDOWN("shutdown", false);

    final String reason;
    final boolean keep;

    Outcome(String reason, boolean keep) {
      this.reason = reason;
      this.keep = keep;
    }
  }

  private final SpanProcessor delegate;
  private final SelfMetrics metrics;
  private final Clock clock;
  private final long thresholdNanos;
  private final int maxTraces;
  private final int maxSpansPerTrace;
  private final long timeoutNanos;
  private final @Nullable ScheduledExecutorService sweeper;

  private final Object lock = new Object();
  private final LinkedHashMap<String, TraceBuffer> buffers = new LinkedHashMap<>();
  private final LinkedHashMap<String, Boolean> decided;
  private boolean shutdown;

  public TailSamplingSpanProcessor(SpanProcessor delegate, Settings settings, SelfMetrics metrics) {
    this(delegate, settings, metrics, Clock.getDefault(), true);
  }

  /** With {@code sweep} false nothing times out by itself; tests call {@link #sweep()}. */
  public TailSamplingSpanProcessor(
      SpanProcessor delegate, Settings settings, SelfMetrics metrics, Clock clock, boolean sweep) {
    this.delegate = delegate;
    this.metrics = metrics;
    this.clock = clock;
    this.thresholdNanos = settings.latencyThreshold().toNanos();
    this.maxTraces = settings.maxTraces();
    this.maxSpansPerTrace = settings.maxSpansPerTrace();
    this.timeoutNanos = settings.timeout().toNanos();
    int rememberedDecisions = settings.maxTraces();
    this.decided =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > rememberedDecisions;
          }
        };
    metrics.tailBuffered(this::bufferedTraces);
    if (sweep) {
      ScheduledExecutorService executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "obs-tail-sampler");
                t.setDaemon(true);
                return t;
              });
      long period = Math.max(10, Math.min(1000, settings.timeout().toMillis() / 4));
      executor.scheduleWithFixedDelay(this::safeSweep, period, period, TimeUnit.MILLISECONDS);
      this.sweeper = executor;
    } else {
      this.sweeper = null;
    }
  }

  /** Local traces currently held. */
  public int bufferedTraces() {
    synchronized (lock) {
      return buffers.size();
    }
  }

  private static boolean isLocalRoot(SpanContext parent) {
    return !parent.isValid() || parent.isRemote();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (delegate.isStartRequired()) {
      delegate.onStart(parentContext, span);
    }
    if (span.getSpanContext().isSampled()) {
      return;
    }
    boolean localRoot = isLocalRoot(span.getParentSpanContext());
    String traceId = span.getSpanContext().getTraceId();
    Decision evicted = null;
    synchronized (lock) {
      if (shutdown) {
        return;
      }
      TraceBuffer buffer = buffers.get(traceId);
      if (buffer == null) {
        if (!localRoot && decided.containsKey(traceId)) {
          return; // a late child of a decided trace; onEnd follows the decision
        }
        if (buffers.size() >= maxTraces) {
          evicted = evictOldest(Outcome.OVERFLOW);
        }
        buffer = new TraceBuffer(clock.nanoTime());
        buffers.put(traceId, buffer);
      }
      if (localRoot) {
        buffer.openRoots++;
      }
    }
    if (evicted != null) {
      evicted.apply();
    }
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (span.getSpanContext().isSampled()) {
      if (isLocalRoot(span.getParentSpanContext())) {
        metrics.sampled(HEAD_SAMPLED);
      }
      delegate.onEnd(span);
      return;
    }
    SpanData data = span.toSpanData();
    boolean error = data.getStatus().getStatusCode() == StatusCode.ERROR;
    boolean localRoot = isLocalRoot(span.getParentSpanContext());
    String traceId = span.getSpanContext().getTraceId();
    Decision decision = null;
    Boolean earlier = null;
    boolean held = false;
    synchronized (lock) {
      TraceBuffer buffer = shutdown ? null : buffers.get(traceId);
      if (buffer == null) {
        earlier = decided.get(traceId);
      } else {
        held = true;
        buffer.error |= error;
        if (buffer.spans.size() < maxSpansPerTrace) {
          buffer.spans.add(data);
        } else {
          buffer.droppedSpans++;
        }
        if (localRoot) {
          buffer.openRoots--;
          if (span.getLatencyNanos() > thresholdNanos) {
            buffer.slow = true;
          }
          if (buffer.openRoots <= 0) {
            buffers.remove(traceId);
            Outcome outcome = buffer.error ? Outcome.ERROR : buffer.slow ? Outcome.SLOW : Outcome.NOT_KEPT;
            decision = decide(traceId, buffer, outcome);
          }
        }
      }
    }
    if (decision != null) {
      decision.apply();
    }
    if (held) {
      return;
    }
    // A span ending after its trace was decided: it follows a remembered "keep"; otherwise
    // (dropped or forgotten trace) only an error is worth exporting on its own.
    if (Boolean.TRUE.equals(earlier) || error) {
      exportLate(data);
    } else {
      metrics.spansDropped(1, "late");
    }
  }

  private void exportLate(SpanData data) {
    delegate.onEnd(new SampledSpanView(data));
  }

  /** Decides traces held longer than the timeout; runs on the sweeper thread. */
  public void sweep() {
    List<Decision> due = new ArrayList<>();
    long now = clock.nanoTime();
    synchronized (lock) {
      Iterator<Map.Entry<String, TraceBuffer>> it = buffers.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, TraceBuffer> entry = it.next();
        if (now - entry.getValue().firstStartNanos < timeoutNanos) {
          break; // insertion order: the rest are younger
        }
        it.remove();
        due.add(decide(entry.getKey(), entry.getValue(), early(entry.getValue(), now, Outcome.TIMEOUT)));
      }
    }
    due.forEach(Decision::apply);
  }

  private void safeSweep() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "obs: tail sampler sweep failed", e);
    }
  }

  // Caller holds the lock.
  private Decision evictOldest(Outcome outcome) {
    Iterator<Map.Entry<String, TraceBuffer>> it = buffers.entrySet().iterator();
    Map.Entry<String, TraceBuffer> oldest = it.next();
    it.remove();
    return decide(oldest.getKey(), oldest.getValue(), early(oldest.getValue(), clock.nanoTime(), outcome));
  }

  private Outcome early(TraceBuffer buffer, long now, Outcome otherwise) {
    if (buffer.error) {
      return Outcome.ERROR;
    }
    // The root has been running at least this long, so it will be slow whatever happens next.
    if (buffer.slow || now - buffer.firstStartNanos > thresholdNanos) {
      return Outcome.SLOW;
    }
    return otherwise;
  }

  // Caller holds the lock; the returned decision is applied outside it.
  private Decision decide(String traceId, TraceBuffer buffer, Outcome outcome) {
    decided.put(traceId, outcome.keep);
    return new Decision(buffer, outcome);
  }

  private final class Decision {
    final TraceBuffer buffer;
    final Outcome outcome;

    Decision(TraceBuffer buffer, Outcome outcome) {
      this.buffer = buffer;
      this.outcome = outcome;
    }

    void apply() {
      if (outcome.keep) {
        metrics.sampled(
            Attributes.of(SelfMetrics.SAMPLER, "tail", SelfMetrics.REASON, outcome.reason));
        for (SpanData data : buffer.spans) {
          delegate.onEnd(new SampledSpanView(data));
        }
        metrics.spansDropped(buffer.droppedSpans, "span_limit");
      } else {
        metrics.dropped(
            Attributes.of(SelfMetrics.SAMPLER, "tail", SelfMetrics.REASON, outcome.reason));
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    List<Decision> remaining = new ArrayList<>();
    long now = clock.nanoTime();
    synchronized (lock) {
      if (shutdown) {
        return CompletableResultCode.ofSuccess();
      }
      shutdown = true;
      for (Map.Entry<String, TraceBuffer> entry : buffers.entrySet()) {
        remaining.add(decide(entry.getKey(), entry.getValue(), early(entry.getValue(), now, Outcome.SHUTDOWN)));
      }
      buffers.clear();
    }
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    remaining.forEach(Decision::apply);
    return delegate.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public String toString() {
    return "TailSamplingSpanProcessor{threshold=" + Duration.ofNanos(thresholdNanos)
        + ", maxTraces=" + maxTraces + ", maxSpansPerTrace=" + maxSpansPerTrace
        + ", timeout=" + Duration.ofNanos(timeoutNanos) + ", delegate=" + delegate + "}";
  }
}
