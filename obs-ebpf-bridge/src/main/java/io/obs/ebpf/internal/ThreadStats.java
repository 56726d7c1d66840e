// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code struct obs_thread_stats}: one slot of the sched program's {@code obs_threads} array.
 *
 * @param tid owner of the slot, 0 when unused
 * @param state 0 running, 1 sleeping, 2 runnable
 * @param offCpuNanos time off CPU (blocked plus waiting for a CPU) since the slot was claimed
 * @param runQueueNanos part of {@code offCpuNanos} spent runnable, waiting for a CPU
 * @param switchOutNanos CLOCK_MONOTONIC time the thread last left the CPU
 * @param wakeupNanos CLOCK_MONOTONIC time the thread last became runnable
 * @param switches times the thread was switched in
 */
public record ThreadStats(
    int tid,
    int state,
    long offCpuNanos,
    long runQueueNanos,
    long switchOutNanos,
    long wakeupNanos,
    long switches) {

  public static final int SLOTS = 16384;

  static final int OFF_TID = 0;
  static final int OFF_STATE = 4;
  static final int OFF_OFF_CPU_NS = 8;
  static final int OFF_RUNQ_NS = 16;
  static final int OFF_SWITCH_OUT_NS = 24;
  static final int OFF_WAKEUP_NS = 32;
  static final int OFF_SWITCHES = 40;
  static final int SIZE = 48;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_thread_stats", SIZE)
          .field("tid", OFF_TID, 4)
          .field("state", OFF_STATE, 4)
          .field("off_cpu_ns", OFF_OFF_CPU_NS, 8)
          .field("runq_ns", OFF_RUNQ_NS, 8)
          .field("switch_out_ns", OFF_SWITCH_OUT_NS, 8)
          .field("wakeup_ns", OFF_WAKEUP_NS, 8)
          .field("switches", OFF_SWITCHES, 8)
          .build();

  /** Byte offset of a thread's slot in the mmapped array. */
  public static int slotOffset(int tid) {
    return (tid & (SLOTS - 1)) * SIZE;
  }

  public static ThreadStats decode(ByteBuffer buf, int offset) {
    return new ThreadStats(
        buf.getInt(offset + OFF_TID),
        buf.getInt(offset + OFF_STATE),
        buf.getLong(offset + OFF_OFF_CPU_NS),
        buf.getLong(offset + OFF_RUNQ_NS),
        buf.getLong(offset + OFF_SWITCH_OUT_NS),
        buf.getLong(offset + OFF_WAKEUP_NS),
        buf.getLong(offset + OFF_SWITCHES));
  }
}
