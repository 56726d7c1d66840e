// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_event_header}: the first 48 bytes of every ring-buffer record.
 *
 * @param kind {@code enum obs_event_kind}
 * @param flags {@code OBS_F_*}
 * @param timestampNanos CLOCK_MONOTONIC nanoseconds when the measured work began
 * @param tgid the process
 * @param tid the thread that started the work (0 when unknown)
 * @param traceIdHigh first 8 bytes of the trace id (big-endian), 0 without a trace context
 * @param traceIdLow last 8 bytes of the trace id
 * @param spanId the span id (big-endian)
 */
public record EventHeader(
    int kind,
    int flags,
    long timestampNanos,
    int tgid,
    int tid,
    long traceIdHigh,
    long traceIdLow,
    long spanId) {

  public static final int KIND_SYSCALL = 1;
  public static final int KIND_TCP_CONNECT = 2;
  public static final int KIND_TCP_ACCEPT = 3;
  public static final int KIND_TCP_CLOSE = 4;
  public static final int KIND_TCP_RETRANSMIT = 5;

  public static final int FLAG_TRACE_CTX = 0x1;

  static final int OFF_KIND = 0;
  static final int OFF_FLAGS = 4;
  static final int OFF_TS_NS = 8;
  static final int OFF_TGID = 16;
  static final int OFF_TID = 20;
  static final int OFF_TRACE_ID = 24;
  static final int OFF_SPAN_ID = 40;
  static final int SIZE = 48;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_event_header", SIZE)
          .field("kind", OFF_KIND, 4)
          .field("flags", OFF_FLAGS, 4)
          .field("ts_ns", OFF_TS_NS, 8)
          .field("tgid", OFF_TGID, 4)
          .field("tid", OFF_TID, 4)
          .field("trace_id", OFF_TRACE_ID, 16)
          .field("span_id", OFF_SPAN_ID, 8)
          .build();

  /** Whether the kernel stamped the event with the thread's trace context. */
  public boolean hasTraceContext() {
    return (flags & FLAG_TRACE_CTX) != 0;
  }

  /** Decodes the header at {@code offset} of a little-endian buffer. */
  public static EventHeader decode(ByteBuffer buf, int offset) {
    return new EventHeader(
        buf.getInt(offset + OFF_KIND),
        buf.getInt(offset + OFF_FLAGS),
        buf.getLong(offset + OFF_TS_NS),
        buf.getInt(offset + OFF_TGID),
        buf.getInt(offset + OFF_TID),
        bigEndianLong(buf, offset + OFF_TRACE_ID),
        bigEndianLong(buf, offset + OFF_TRACE_ID + 8),
        bigEndianLong(buf, offset + OFF_SPAN_ID));
  }

  private static long bigEndianLong(ByteBuffer buf, int index) {
    long le = buf.getLong(index);
    return buf.order() == ByteOrder.LITTLE_ENDIAN ? Long.reverseBytes(le) : le;
  }
}
