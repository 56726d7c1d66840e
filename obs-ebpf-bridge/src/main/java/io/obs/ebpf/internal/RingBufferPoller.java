// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Internal: not for use outside obs.
 *
 * <p>A daemon thread that drains the ring buffers of some objects every poll interval, a batch
 * (up to {@link #BATCH_BYTES}) per native call, and decodes the batch in Java. The programs
 * submit with {@code BPF_RB_NO_WAKEUP}, so the kernel never wakes this thread: it runs on its own
 * clock and goes again immediately while batches come back full.
 */
public final class RingBufferPoller implements AutoCloseable {
  static final int BATCH_BYTES = 256 * 1024;
  private static final System.Logger LOG = System.getLogger("io.obs.ebpf");

  private final List<BpfObject> rings;
  private final EventDispatcher dispatcher;
  private final long intervalNanos;
  private final ByteBuffer batch =
      ByteBuffer.allocateDirect(BATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public RingBufferPoller(List<BpfObject> rings, EventDispatcher dispatcher, Duration interval) {
    this.rings = List.copyOf(rings);
    this.dispatcher = dispatcher;
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::run, "obs-ebpf-poller");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      boolean more = false;
      for (BpfObject ring : rings) {
        more |= drainOnce(ring);
      }
      if (!more && running) {
        LockSupport.parkNanos(this, intervalNanos);
      }
    }
  }

  /** Drains one batch; true when the batch was nearly full and more may be waiting. */
  private boolean drainOnce(BpfObject ring) {
    int n;
    try {
      n = ring.drain(batch);
    } catch (BpfException | IllegalStateException e) {
      if (failures.getAndIncrement() == 0) {
        LOG.log(System.Logger.Level.WARNING, "obs eBPF: draining " + ring.name() + " failed", e);
      }
      return false;
    }
    if (n == 0) {
      return false;
    }
    batches.incrementAndGet();
    dispatcher.dispatch(batch, n);
    return n > BATCH_BYTES / 2;
  }

  public long batches() {
    return batches.get();
  }

  public long failures() {
    return failures.get();
  }

  /**
   * Stops the thread and waits for it (bounded), then drains what the rings still hold on the
   * calling thread, so that the events of the application's last moments (a batch job that works
   * and closes obs in the next statement) become spans and log records before the exporters'
   * final flush. The objects stay open.
   */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      return; // still draining after 5 s: it finishes on its own, never two readers at once
    }
    for (BpfObject ring : rings) {
      // Bounded: a ring holds at most ring_buffer_size bytes, a batch takes half a buffer.
      for (int batches = 0; batches < 1024 && drainOnce(ring); batches++) {
        // each call dispatched one batch
      }
    }
  }
}
