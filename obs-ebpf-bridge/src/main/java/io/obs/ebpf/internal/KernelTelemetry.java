// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: not for use outside obs.
 *
 * <p>Turns kernel events stamped with a trace context into telemetry of that trace, on the poller
 * thread: failing or slow syscalls become child spans ({@code syscall.openat}, {@code
 * syscall.connect}, {@code process.exec}, ...), finished active opens become {@code tcp.connect}
 * child spans, and each failing syscall also produces one log record on the logger {@value
 * #LOGGER} with the application span current, so it carries that span's {@code trace_id} and
 * {@code span_id}. Events without a context are left to the metrics.
 *
 * <p>Spans are timed with the kernel's CLOCK_MONOTONIC timestamps moved to wall-clock time by an
 * offset measured once. At most {@code maxSpansPerSecond} spans (and their logs) are produced per
 * second; the rest are counted in {@link #suppressed()}.
 */
public final class KernelTelemetry implements KernelEventListener {
  /** Logger name of the correlated kernel log records. */
  public static final String LOGGER = "io.obs.ebpf.kernel";

  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> FILE_PATH = AttributeKey.stringKey("file.path");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("network.transport");
  static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");
  static final AttributeKey<String> SYSCALL_NAME = AttributeKey.stringKey("syscall.name");
  static final AttributeKey<Long> SYSCALL_ERRNO = AttributeKey.longKey("syscall.errno");
  static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");
  static final AttributeKey<String> CONNECT_RESULT = AttributeKey.stringKey("tcp.connect.result");
  static final AttributeKey<String> EXEC_PATH = AttributeKey.stringKey("process.executable.path");
  static final AttributeKey<Long> BYTES_SENT = AttributeKey.longKey("tcp.bytes.sent");
  static final AttributeKey<Long> BYTES_RECEIVED = AttributeKey.longKey("tcp.bytes.received");
  static final AttributeKey<Long> RETRANSMITS = AttributeKey.longKey("tcp.retransmits");
  static final AttributeKey<Double> RTT = AttributeKey.doubleKey("tcp.rtt");

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final Tracer tracer;
  private final ExemplarSpans exemplars;
  private final boolean logs;
  private final int maxSpansPerSecond;
  private final long monotonicToEpochNanos;
  private final LongAdder spans = new LongAdder();
  private final LongAdder logged = new LongAdder();
  private final LongAdder suppressed = new LongAdder();
  private long windowStart = Long.MIN_VALUE;
  private int inWindow;
  private boolean pollerExcluded;

  public KernelTelemetry(Tracer tracer, boolean logs, int maxSpansPerSecond) {
    this(tracer, logs, maxSpansPerSecond, new ExemplarSpans());
  }

  /** With {@code exemplars} receiving the span of every stamped event (see {@link ExemplarSpans}). */
  public KernelTelemetry(
      Tracer tracer, boolean logs, int maxSpansPerSecond, ExemplarSpans exemplars) {
    this.exemplars = exemplars;
    this.tracer = tracer;
    this.logs = logs;
    this.maxSpansPerSecond = maxSpansPerSecond;
    this.monotonicToEpochNanos = monotonicToEpochOffset();
  }

  /**
   * Epoch nanoseconds minus CLOCK_MONOTONIC nanoseconds (System.nanoTime() is CLOCK_MONOTONIC on
   * Linux, the clock of bpf_ktime_get_ns()); the tightest of a few bracketed samples.
   */
  static long monotonicToEpochOffset() {
    long best = Long.MAX_VALUE;
    long offset = 0;
    for (int i = 0; i < 5; i++) {
      long before = System.nanoTime();
      Instant now = Instant.now();
      long after = System.nanoTime();
      long epoch = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
      if (after - before < best) {
        best = after - before;
        offset = epoch - (before + (after - before) / 2);
      }
    }
    return offset;
  }

  long toEpochNanos(long monotonicNanos) {
    return monotonicNanos + monotonicToEpochNanos;
  }

  @Override
  public void onSyscall(SyscallEvent e) {
    EventHeader h = e.header();
    if (!h.hasTraceContext()) {
      return;
    }
    SpanContext parent = parentOf(h);
    if (!parent.isValid()) {
      return;
    }
    // Before the span cap: a suppressed span's sample can still point at the application span.
    exemplars.offer(new SyscallKey(e.nr(), e.errno()), e.durationNanos(), parent);
    if (!admit()) {
      return;
    }
    String syscall = e.name();
    String name =
        switch (syscall) {
          case "execve", "execveat" -> "process.exec";
          case "open", "openat", "openat2" -> "syscall.openat";
          default -> "syscall." + syscall;
        };
    SpanBuilder b =
        builder(name, parent, h.timestampNanos())
            .setSpanKind(syscall.equals("connect") ? SpanKind.CLIENT : SpanKind.INTERNAL)
            .setAttribute(SYSCALL_NAME, syscall)
            .setAttribute(THREAD_ID, (long) h.tid());
    String path = e.path();
    if (path != null && e.address() == null) {
      b.setAttribute(name.equals("process.exec") ? EXEC_PATH : FILE_PATH, path);
    }
    SockAddr peer = e.address();
    if (peer != null) {
      setPeer(b, peer);
    }
    String error = e.errno() != 0 ? Errno.name(e.errno()) : null;
    if (error != null) {
      b.setAttribute(ERROR_TYPE, error).setAttribute(SYSCALL_ERRNO, (long) e.errno());
    }
    Span span = b.startSpan();
    if (error != null) {
      span.setStatus(StatusCode.ERROR, syscall + " failed: " + error);
    }
    span.end(toEpochNanos(h.timestampNanos() + e.durationNanos()), TimeUnit.NANOSECONDS);
    spans.increment();
    if (error != null && logs) {
      log(parent, syscall, error, e.errno(), summary(e), e.durationNanos());
    }
  }

  @Override
  public void onTcp(TcpEvent e) {
    EventHeader h = e.header();
    if (h.kind() == EventHeader.KIND_TCP_CLOSE && h.hasTraceContext()) {
      onConnectionClosed(e);
      return;
    }
    if (h.kind() != EventHeader.KIND_TCP_CONNECT || !h.hasTraceContext()) {
      return;
    }
    SpanContext parent = parentOf(h);
    if (!parent.isValid()) {
      return;
    }
    exemplars.offer(new PeerKey(e.peer(), e.errno()), e.durationNanos(), parent);
    if (!admit()) {
      return;
    }
    SpanBuilder b =
        builder("tcp.connect", parent, h.timestampNanos())
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(TRANSPORT, "tcp")
            .setAttribute(THREAD_ID, (long) h.tid());
    setPeer(b, e.peer());
    String error = e.errno() != 0 ? Errno.name(e.errno()) : null;
    b.setAttribute(CONNECT_RESULT, error == null ? "established" : error);
    if (error != null) {
      b.setAttribute(ERROR_TYPE, error);
    }
    Span span = b.startSpan();
    if (error != null) {
      span.setStatus(StatusCode.ERROR, "connect to " + e.peer().hostPort() + " failed: " + error);
    }
    span.end(toEpochNanos(h.timestampNanos() + e.durationNanos()), TimeUnit.NANOSECONDS);
    spans.increment();
  }

  /**
   * A connection opened under a span closed: one {@code tcp.connection} child of that span, from
   * the end of the handshake to the close, with what the socket carried over its whole life
   * (bytes acknowledged and received, retransmitted segments, final smoothed RTT). Only active
   * opens are stamped: the kernel takes the context when the connecting thread sends the SYN.
   */
  private void onConnectionClosed(TcpEvent e) {
    EventHeader h = e.header();
    SpanContext parent = parentOf(h);
    if (!parent.isValid() || !admit()) {
      return;
    }
    SpanBuilder b =
        builder("tcp.connection", parent, h.timestampNanos())
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(TRANSPORT, "tcp")
            .setAttribute(THREAD_ID, (long) h.tid())
            .setAttribute(BYTES_SENT, e.bytesSent())
            .setAttribute(BYTES_RECEIVED, e.bytesReceived())
            .setAttribute(RETRANSMITS, e.totalRetrans())
            .setAttribute(RTT, e.srttMicros() / 1e6);
    setPeer(b, e.peer());
    b.startSpan().end(toEpochNanos(h.timestampNanos() + e.durationNanos()), TimeUnit.NANOSECONDS);
    spans.increment();
  }

  private SpanBuilder builder(String name, SpanContext parent, long startMonotonic) {
    return tracer
        .spanBuilder(name)
        .setParent(Context.root().with(Span.wrap(parent)))
        .setStartTimestamp(toEpochNanos(startMonotonic), TimeUnit.NANOSECONDS);
  }

  private static void setPeer(SpanBuilder b, SockAddr peer) {
    InetAddress ip = peer.inetAddress();
    if (ip != null) {
      b.setAttribute(PEER_ADDRESS, ip.getHostAddress());
      b.setAttribute(PEER_PORT, (long) peer.port());
      b.setAttribute(NETWORK_TYPE, ip instanceof java.net.Inet4Address ? "ipv4" : "ipv6");
    }
  }

  private static SpanContext parentOf(EventHeader h) {
    if (h.traceIdHigh() == 0 && h.traceIdLow() == 0 || h.spanId() == 0) {
      return SpanContext.getInvalid();
    }
    // Only sampled spans are published, so the stamped parent is sampled.
    return SpanContext.create(
        hex(h.traceIdHigh()) + hex(h.traceIdLow()),
        hex(h.spanId()),
        TraceFlags.getSampled(),
        TraceState.getDefault());
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /** The per-second cap; runs on the poller thread only. */
  private boolean admit() {
    long now = System.nanoTime();
    if (now - windowStart >= 1_000_000_000L || windowStart == Long.MIN_VALUE) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= maxSpansPerSecond) {
      suppressed.increment();
      return false;
    }
    inWindow++;
    return true;
  }

  private static String summary(SyscallEvent e) {
    SockAddr a = e.address();
    if (a != null) {
      return a.family() == SockAddr.AF_UNIX && e.path() != null ? "unix:" + e.path() : a.hostPort();
    }
    String p = e.path();
    return p != null ? p : "";
  }

  private void log(
      SpanContext parent, String syscall, String error, int errno, String args, long durationNanos) {
    if (!pollerExcluded) {
      // The poller's own context must never reach the kernel: a log write that fails would be
      // stamped with the application span and loop back here.
      ContextPublisher.excludeCurrentThread();
      pollerExcluded = true;
    }
    try (Scope ignored = Context.root().with(Span.wrap(parent)).makeCurrent()) {
      LOG.atWarn()
          .addKeyValue("syscall", syscall)
          .addKeyValue("errno", error)
          .addKeyValue("args", args)
          .addKeyValue("duration_us", durationNanos / 1000)
          .log("kernel: {}({}) failed with {} ({})", syscall, args, error, errno);
    }
    logged.increment();
  }

  /** Child spans produced. */
  public long spans() {
    return spans.sum();
  }

  /** Log records produced. */
  public long logs() {
    return logged.sum();
  }

  /** Spans (and logs) not produced because of the per-second cap. */
  public long suppressed() {
    return suppressed.sum();
  }
}
