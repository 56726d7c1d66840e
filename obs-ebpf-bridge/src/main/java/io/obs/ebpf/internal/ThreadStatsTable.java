// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The sched program's {@code obs_threads} array, mmapped: reading a thread's totals is two
 * memory loads, no syscall. A slot belongs to whichever thread last hashed to it, so every read
 * checks the tid. Reads and {@link #close()} are serialised so no read touches an unmapped page.
 */
public final class ThreadStatsTable implements AutoCloseable {
  private @Nullable ByteBuffer slots;

  ThreadStatsTable(ByteBuffer slots) {
    if (slots.capacity() < ThreadStats.SLOTS * ThreadStats.SIZE) {
      throw new IllegalArgumentException("obs_threads mapping is too small: " + slots.capacity());
    }
    this.slots = slots;
  }

  /** The thread's totals, or null when its slot belongs to another thread (or none yet). */
  public synchronized @Nullable ThreadStats read(int tid) {
    ByteBuffer b = slots;
    if (b == null) {
      throw new IllegalStateException("thread table is closed");
    }
    int off = ThreadStats.slotOffset(tid);
    if (b.getInt(off + ThreadStats.OFF_TID) != tid) {
      return null;
    }
    ThreadStats stats = ThreadStats.decode(b, off);
    return stats.tid() == tid ? stats : null;
  }

  /** Forgets the mapping; the owner unmaps it when it closes the BPF object. */
  @Override
  public synchronized void close() {
    slots = null;
  }
}
