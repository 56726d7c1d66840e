// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The bridge's meters, bound in one call. Kernel aggregates are merged when the SDK collects
 * (a batch callback runs first in every collection): the new samples of each per-CPU log2
 * histogram since the previous collection are replayed into OpenTelemetry histograms whose bucket
 * bounds are the same powers of two ({@link HistogramReplay}), and kernel counters are observed as
 * cumulative counters. Nothing runs between collections.
 */
public final class KernelMetrics implements AutoCloseable {
  static final AttributeKey<String> SYSCALL = AttributeKey.stringKey("syscall");
  static final AttributeKey<String> ERROR = AttributeKey.stringKey("error");
  static final AttributeKey<String> PEER = AttributeKey.stringKey("peer");
  static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");
  static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("direction");
  static final AttributeKey<String> PROGRAM = AttributeKey.stringKey("program");

  /**
   * Bucket bounds advised on the histograms: the kernel's log2 slots, so replayed samples land in
   * the bucket of their slot. A view registered for these instruments overrides the advice.
   */
  static final List<Double> BUCKETS = HistogramReplay.boundariesSeconds();

  private static final System.Logger LOG = System.getLogger("io.obs.ebpf");
  private static final double NANOS_PER_SECOND = 1e9;

  private final @Nullable KernelSession session;
  private final List<ProgramStatus> programs;
  private final PeerLimiter peers;
  private final DoubleHistogram syscallDuration;
  private final DoubleHistogram connectDuration;
  private final DoubleHistogram rtt;
  private final BatchCallback kernelCallback;
  private final BatchCallback selfCallback;
  private final @Nullable ExemplarSpans exemplars;

  private final Map<SyscallKey, Log2Histogram> lastSyscall = new HashMap<>();
  private final Map<SyscallKey, Attributes> syscallAttributes = new HashMap<>();
  private final Map<PeerKey, Log2Histogram> lastConnect = new HashMap<>();
  private final Map<PeerKey, Attributes> connectAttributes = new HashMap<>();
  private Map<Object, SpanContext[]> carried = Map.of();
  private @Nullable Log2Histogram lastRtt;
  private long[] lastCounters = new long[8];
  private long lastReceived;
  private boolean readFailureLogged;
  private boolean finished;

  private KernelMetrics(
      Meter kernelMeter,
      Meter selfMeter,
      @Nullable KernelSession session,
      List<ProgramStatus> programs,
      int peerLimit,
      @Nullable ExemplarSpans exemplars) {
    this.exemplars = exemplars;
    this.session = session;
    this.programs = List.copyOf(programs);
    this.peers = new PeerLimiter(peerLimit);
    this.syscallDuration =
        kernelMeter
            .histogramBuilder("syscall.duration")
            .setUnit("s")
            .setDescription("Duration of traced syscalls of this process, measured in the kernel.")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    this.connectDuration =
        kernelMeter
            .histogramBuilder("tcp.connect.duration")
            .setUnit("s")
            .setDescription(
                "TCP handshake time of outgoing connections (SYN_SENT to ESTABLISHED or failure).")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    this.rtt =
        kernelMeter
            .histogramBuilder("tcp.rtt")
            .setUnit("s")
            .setDescription(
                "Smoothed round-trip time of this process's TCP sockets, one sample per ACK.")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    ObservableLongMeasurement retransmits =
        kernelMeter
            .counterBuilder("tcp.retransmits")
            .setUnit("{segment}")
            .setDescription("TCP segments retransmitted on this process's sockets.")
            .buildObserver();
    ObservableLongMeasurement bytes =
        kernelMeter
            .counterBuilder("tcp.bytes")
            .setUnit("By")
            .setDescription("Bytes of this process's TCP connections, counted when they close.")
            .buildObserver();
    this.kernelCallback =
        kernelMeter.batchCallback(() -> collectKernel(retransmits, bytes), retransmits, bytes);

    ObservableLongMeasurement up =
        selfMeter
            .gaugeBuilder("obs.ebpf.program.up")
            .ofLongs()
            .setDescription("1 when the BPF program is loaded and attached, else 0.")
            .buildObserver();
    ObservableLongMeasurement dropped =
        selfMeter
            .counterBuilder("obs.ebpf.events.dropped")
            .setUnit("{event}")
            .setDescription("Kernel events lost because the ring buffer was full.")
            .buildObserver();
    ObservableLongMeasurement received =
        selfMeter
            .counterBuilder("obs.ebpf.events.received")
            .setUnit("{event}")
            .setDescription("Kernel events read from the ring buffers.")
            .buildObserver();
    this.selfCallback =
        selfMeter.batchCallback(() -> collectSelf(up, dropped, received), up, dropped, received);
  }

  /**
   * Creates the instruments on the two meters.
   *
   * @param kernelMeter meter for kernel metrics ({@code syscall.*}, {@code tcp.*})
   * @param selfMeter meter for obs's own health ({@code obs.ebpf.*})
   * @param session the running session, or null when the bridge is off
   * @param programs what to report in {@code obs.ebpf.program.up}
   * @param peerLimit distinct {@code peer} values before folding into "other"
   * @param exemplars the spans whose exemplars the histograms carry (see {@link ExemplarSpans}),
   *     or null for none
   */
  public static KernelMetrics bind(
      Meter kernelMeter,
      Meter selfMeter,
      @Nullable KernelSession session,
      List<ProgramStatus> programs,
      int peerLimit,
      @Nullable ExemplarSpans exemplars) {
    return new KernelMetrics(kernelMeter, selfMeter, session, programs, peerLimit, exemplars);
  }

  private synchronized void collectKernel(
      ObservableLongMeasurement retransmits, ObservableLongMeasurement bytes) {
    KernelSession s = session;
    if (s == null) {
      return;
    }
    if (!finished) {
      readKernel(s);
    }
    if (s.settings().tcp()) {
      retransmits.record(lastCounters[KernelSession.CNT_TCP_RETRANS]);
      bytes.record(lastCounters[KernelSession.CNT_TCP_BYTES_SENT], Attributes.of(DIRECTION, "sent"));
      bytes.record(
          lastCounters[KernelSession.CNT_TCP_BYTES_RECV], Attributes.of(DIRECTION, "received"));
    }
  }

  /**
   * Reads the kernel aggregates one last time, replaying the histograms into the SDK's and keeping
   * the counters, then stops reading the maps, which may be closed afterwards: the final export
   * at shutdown then carries the kernel's last figures.
   */
  public synchronized void finish() {
    KernelSession s = session;
    if (s == null || finished) {
      return;
    }
    readKernel(s);
    lastReceived = s.dispatcher().events();
    finished = true;
  }

  /** Replays the histograms' growth into the SDK's instruments and reads the counters. */
  private void readKernel(KernelSession s) {
    try {
      ExemplarSpans x = exemplars;
      Map<Object, SpanContext[]> offered = x == null ? Map.of() : x.take();
      for (Map.Entry<SyscallKey, Log2Histogram> e : s.syscallHistograms().entrySet()) {
        SyscallKey key = e.getKey();
        Log2Histogram delta = e.getValue().minus(lastSyscall.put(key, e.getValue()));
        Attributes attrs = syscallAttributes.computeIfAbsent(key, KernelMetrics::syscallAttributes);
        replay(delta, syscallDuration, attrs, offered.get(key), carried.get(key));
      }
      for (Map.Entry<PeerKey, Log2Histogram> e : s.connectHistograms().entrySet()) {
        PeerKey key = e.getKey();
        Log2Histogram delta = e.getValue().minus(lastConnect.put(key, e.getValue()));
        Attributes attrs = connectAttributes.computeIfAbsent(key, this::connectAttributes);
        replay(delta, connectDuration, attrs, offered.get(key), carried.get(key));
      }
      // An event can reach the poller after the collection that read its sample: what found no
      // sample now waits one more collection, then is dropped.
      carried = offered;
      Log2Histogram rttNow = s.rttHistogram();
      replay(rttNow.minus(lastRtt), rtt, Attributes.empty(), null, null);
      lastRtt = rttNow;
      lastCounters = s.counters();
    } catch (BpfException | RuntimeException e) {
      if (!readFailureLogged) {
        readFailureLogged = true;
        LOG.log(System.Logger.Level.WARNING, "obs-ebpf: reading kernel aggregates failed", e);
      }
    }
  }

  private synchronized void collectSelf(
      ObservableLongMeasurement up,
      ObservableLongMeasurement dropped,
      ObservableLongMeasurement received) {
    for (ProgramStatus p : programs) {
      if (p.state() != ProgramStatus.State.DISABLED) {
        up.record(p.up() ? 1 : 0, Attributes.of(PROGRAM, p.program()));
      }
    }
    KernelSession s = session;
    if (s != null && finished) {
      dropped.record(lastCounters[KernelSession.CNT_RB_DROPS]);
      received.record(lastReceived);
    } else if (s != null) {
      try {
        dropped.record(s.counters()[KernelSession.CNT_RB_DROPS]);
      } catch (BpfException | RuntimeException e) {
        // reported by collectKernel, which reads the same maps
      }
      received.record(s.dispatcher().events());
    }
  }

  /**
   * Records the replayed samples; in a slot where a stamped event offered its span ({@code fresh}
   * first, else {@code carried}), one sample is recorded with that span as its context, which
   * makes it the bucket's exemplar. Consumed spans are cleared from {@code fresh}.
   */
  private static void replay(
      Log2Histogram delta,
      DoubleHistogram histogram,
      Attributes attrs,
      SpanContext @Nullable [] fresh,
      SpanContext @Nullable [] carried) {
    HistogramReplay.replay(
        delta,
        (valueNanos, count) -> {
          double seconds = valueNanos / NANOS_PER_SECOND;
          long plain = count;
          int slot = ExemplarSpans.slotOfReplayed(valueNanos);
          SpanContext span = ExemplarSpans.at(fresh, slot);
          if (span != null) {
            fresh[slot] = null;
          } else {
            span = ExemplarSpans.at(carried, slot);
          }
          if (span != null) {
            histogram.record(seconds, attrs, Context.root().with(Span.wrap(span)));
            plain--;
          }
          for (long i = 0; i < plain; i++) {
            histogram.record(seconds, attrs);
          }
        });
  }

  private static Attributes syscallAttributes(SyscallKey key) {
    String name = Syscalls.name(key.nr());
    return key.errno() == 0
        ? Attributes.of(SYSCALL, name)
        : Attributes.of(SYSCALL, name, ERROR, Errno.name(key.errno()));
  }

  private Attributes connectAttributes(PeerKey key) {
    return Attributes.of(
        PEER,
        peers.label(key.peer().hostPort()),
        RESULT,
        key.result() == 0 ? "ok" : Errno.name(key.result()));
  }

  /** Unregisters the callbacks; the instruments stay but report nothing new. */
  @Override
  public void close() {
    kernelCallback.close();
    selfCallback.close();
  }
}
