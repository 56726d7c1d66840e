// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Adds the kernel's scheduler cost of a span as attributes when it ends: {@code
 * thread.off_cpu.duration} (time the thread was switched out, blocked or waiting for a CPU) and
 * {@code thread.runqueue.wait.duration} (the part spent runnable, waiting for a CPU), both in
 * seconds. It reads the sched program's per-thread accumulators ({@link ThreadStatsTable},
 * mmapped) when the span starts and again when it ends, and records the difference; a span
 * that ends on another thread than it started on gets no attributes (the totals are per thread).
 * Without the sched program, or on threads that publish no context (virtual threads), it does
 * nothing.
 */
public final class KernelCostSpanProcessor implements ExtendedSpanProcessor {
  public static final AttributeKey<Double> OFF_CPU = AttributeKey.doubleKey("thread.off_cpu.duration");
  public static final AttributeKey<Double> RUNQUEUE =
      AttributeKey.doubleKey("thread.runqueue.wait.duration");

  /** Spans started but not ended are remembered up to this many; beyond, new spans are skipped. */
  static final int MAX_OPEN_SPANS = 65_536;

  private final Supplier<@Nullable KernelSession> session;
  private final ConcurrentHashMap<ReadableSpan, long[]> open = new ConcurrentHashMap<>();

  public KernelCostSpanProcessor(Supplier<@Nullable KernelSession> session) {
    this.session = session;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    KernelSession s = session.get();
    if (s == null || !s.settings().sched() || open.size() >= MAX_OPEN_SPANS) {
      return;
    }
    int tid = ContextPublisher.publishingTid();
    if (tid == 0) {
      return;
    }
    ThreadStats stats = s.threadStats(tid);
    if (stats != null) {
      open.put(span, new long[] {tid, stats.offCpuNanos(), stats.runQueueNanos()});
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnding(ReadWriteSpan span) {
    long[] start = open.remove(span);
    if (start == null) {
      return;
    }
    KernelSession s = session.get();
    int tid = ContextPublisher.publishingTid();
    if (s == null || tid != (int) start[0]) {
      return;
    }
    ThreadStats stats;
    try {
      stats = s.threadStats(tid);
    } catch (IllegalStateException closed) {
      return;
    }
    if (stats == null || stats.offCpuNanos() < start[1]) {
      return; // the slot was taken over by another thread meanwhile
    }
    span.setAttribute(OFF_CPU, (stats.offCpuNanos() - start[1]) / 1e9);
    span.setAttribute(RUNQUEUE, Math.max(0, stats.runQueueNanos() - start[2]) / 1e9);
  }

  @Override
  public boolean isOnEndingRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    open.remove(span); // ended without onEnding (should not happen with the SDK)
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }
}
