// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The {@code obs_thread_ctx} array ({@code struct obs_thread_ctx}, bpf/obs_ctx.h), mmapped:
 * each thread writes its own record with plain stores, and the BPF programs read it by tid. A
 * record holds two sets of ids and flags selecting one. Writing ids is a seqlock: {@code seq} goes
 * odd, the ids and flags are stored, {@code seq} goes even, so a reader that sees the same even
 * {@code seq} before and after its copy has a whole record; switching flags alone is one store
 * ({@link #setFlags}). Only the slot's owning thread writes a record (see {@link
 * ContextPublisher}), so there is never a second writer to race with.
 */
public final class ThreadContextTable {
  static final int OFF_SEQ = 0;
  static final int OFF_TID = 4;
  static final int OFF_FLAGS = 8;
  static final int OFF_GENERATION = 12;
  static final int OFF_TRACE_ID = 16;
  static final int OFF_SPAN_ID = 48;
  static final int OFF_TRACE_ID_ALT = 64;
  static final int OFF_SPAN_ID_ALT = 96;
  static final int OFF_RESERVED = 112;
  static final int SIZE = 128;
  static final int TRACE_ID_HEX = 32;
  static final int SPAN_ID_HEX = 16;
  /** Bytes of the ids: the trace id's hex digits followed by the span id's. */
  static final int IDS = TRACE_ID_HEX + SPAN_ID_HEX;

  static final int FLAG_VALID = 0x1;
  /** The selected ids are the second set ({@code trace_id_alt}, {@code span_id_alt}). */
  static final int FLAG_ALT = 0x2;

  static final StructLayout LAYOUT =
      StructLayout.struct("obs_thread_ctx", SIZE)
          .field("seq", OFF_SEQ, 4)
          .field("tid", OFF_TID, 4)
          .field("flags", OFF_FLAGS, 4)
          .field("generation", OFF_GENERATION, 4)
          .field("trace_id", OFF_TRACE_ID, TRACE_ID_HEX)
          .field("span_id", OFF_SPAN_ID, SPAN_ID_HEX)
          .field("trace_id_alt", OFF_TRACE_ID_ALT, TRACE_ID_HEX)
          .field("span_id_alt", OFF_SPAN_ID_ALT, SPAN_ID_HEX)
          .field("reserved", OFF_RESERVED, 16)
          .build();

  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final ByteBuffer slots;

  ThreadContextTable(ByteBuffer slots) {
    if (slots.capacity() < ThreadStats.SLOTS * SIZE) {
      throw new IllegalArgumentException("obs_thread_ctx mapping is too small: " + slots.capacity());
    }
    this.slots = slots.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Byte offset of the record of {@code tid}. */
  static int slotOffset(int tid) {
    return (tid & (ThreadStats.SLOTS - 1)) * SIZE;
  }

  /**
   * Writes ids into one of the record's two id sets ({@code alt} selects the second) and selects
   * it, for the calling (owning) thread. {@code seq} is the record's current (even) sequence
   * number, which only the owner changes; returns the new one. {@code ids} holds {@link #IDS}
   * ASCII hex digits, trace id then span id.
   */
  int write(int offset, int seq, byte[] ids, boolean alt) {
    ByteBuffer b = slots;
    int odd = seq + 1;
    b.putInt(offset + OFF_SEQ, odd);
    // Compiler-only barriers on x86 (stores are not reordered with stores there); they keep the
    // JIT from moving the record's stores across the sequence number's.
    VarHandle.storeStoreFence();
    b.put(offset + (alt ? OFF_TRACE_ID_ALT : OFF_TRACE_ID), ids, 0, IDS);
    b.putInt(offset + OFF_FLAGS, FLAG_VALID | (alt ? FLAG_ALT : 0));
    VarHandle.storeStoreFence();
    int even = odd + 1;
    b.putInt(offset + OFF_SEQ, even);
    return even;
  }

  /**
   * Sets the record's flags with one ordered store, leaving {@code seq} and the ids alone: "no
   * span" ({@code valid} false), or the span whose ids are already in the selected set. A reader
   * that saw the old flags copied ids that were whole and current at that instant, since ids are
   * only rewritten under an odd {@code seq}, so it cannot see a torn record.
   */
  void setFlags(int offset, boolean valid, boolean alt) {
    // A fence and a plain store rather than a release-mode VarHandle on the buffer, which Java 17
    // does not inline (its memory-session check alone costs more than the store).
    VarHandle.releaseFence();
    slots.putInt(offset + OFF_FLAGS, (valid ? FLAG_VALID : 0) | (alt ? FLAG_ALT : 0));
  }

  /**
   * Makes a record the thread's under a publishing generation: owner {@code tid}, no context.
   * Returns the new sequence.
   */
  int claim(int offset, int tid, int generation) {
    int seq = seq(offset);
    ByteBuffer b = slots;
    b.putInt(offset + OFF_SEQ, seq + 1);
    VarHandle.storeStoreFence();
    b.putInt(offset + OFF_TID, tid);
    b.putInt(offset + OFF_FLAGS, 0);
    b.putInt(offset + OFF_GENERATION, generation);
    VarHandle.storeStoreFence();
    b.putInt(offset + OFF_SEQ, seq + 2);
    return seq + 2;
  }

  /** The sequence number currently in a record (to continue from when a thread claims it). */
  int seq(int offset) {
    return ((int) INTS.getAcquire(slots, offset + OFF_SEQ)) & ~1;
  }

  /** A record as the kernel would read it, or null when it holds no valid context. */
  @Nullable Record read(int offset) {
    ByteBuffer b = slots;
    int tid = b.getInt(offset + OFF_TID);
    int flags = b.getInt(offset + OFF_FLAGS);
    if ((flags & FLAG_VALID) == 0) {
      return new Record(tid, null, null);
    }
    byte[] ids = new byte[IDS];
    b.get(offset + ((flags & FLAG_ALT) != 0 ? OFF_TRACE_ID_ALT : OFF_TRACE_ID), ids);
    String hex = new String(ids, StandardCharsets.US_ASCII);
    return new Record(tid, hex.substring(0, TRACE_ID_HEX), hex.substring(TRACE_ID_HEX));
  }

  /**
   * One record: the owner tid and, when it holds a sampled span, that span's ids.
   *
   * @param tid owning thread's kernel tid
   * @param traceId hex trace id, null when the thread publishes "no span"
   * @param spanId hex span id, null likewise
   */
  public record Record(int tid, @Nullable String traceId, @Nullable String spanId) {}
}
