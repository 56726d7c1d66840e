// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Publishes the span current on each platform thread to the kernel. It wraps OpenTelemetry's
 * {@link ContextStorage}: every {@code makeCurrent()} writes the thread's record in the shared
 * {@link ThreadContextTable} when the current sampled span changes, and closing the scope writes
 * back what was there before. Unsampled spans and contexts without a span publish "nothing".
 *
 * <p>The table belongs to the JVM, not to a kernel session: it is created once ({@link
 * #enable()}), stays mapped until exit (so a thread writing while a session stops never touches
 * an unmapped page) and every session's programs reuse its map. Before {@link #enable()} the
 * wrapper costs one volatile read per attach.
 *
 * <p>Per thread, the slot is resolved once: the kernel tid (initial PID namespace) and the slot
 * {@code tid & 16383}. A slot held by another live thread is not shared (that thread keeps it,
 * this one publishes nothing and is counted in {@link #collisions()}), so only one thread ever
 * writes a record. Virtual threads publish nothing: their carrier changes under them, and the
 * kernel only sees the carrier's tid; the carrier's own record holds no span of theirs.
 */
public final class ContextPublisher implements ContextStorage {
  static final String OBJECT_RESOURCE = "META-INF/obs/bpf/ctx.bpf.o";
  static final String MAP = "obs_thread_ctx";

  private static final AtomicBoolean REQUESTED = new AtomicBoolean();
  private static volatile boolean wrapped;
  private static volatile @Nullable Table table;
  private static @Nullable Table opened; // guarded by ContextPublisher.class
  private static final LongAdder COLLISIONS = new LongAdder();
  private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

  private static final ThreadLocal<ThreadSlot> SLOTS = ThreadLocal.withInitial(ThreadSlot::new);

  private final ContextStorage delegate;

  private ContextPublisher(ContextStorage delegate) {
    this.delegate = delegate;
    wrapped = true;
  }

  /**
   * Asks OpenTelemetry to wrap the context storage; idempotent. Effective only when called before
   * the context is first used in this JVM ({@link #isWrapped()} says whether it was).
   */
  public static void install() {
    if (REQUESTED.compareAndSet(false, true)) {
      ContextStorage.addWrapper(ContextPublisher::new);
    }
  }

  /** Whether OpenTelemetry's context storage goes through this wrapper. */
  public static boolean isWrapped() {
    ContextStorage.get(); // the wrappers apply when the storage is first asked for
    return wrapped;
  }

  /**
   * Creates (once per JVM) and maps the shared table; from now on context changes are published.
   * Returns the map fd for the programs' objects to reuse.
   */
  public static synchronized int enable() throws BpfException, IOException {
    Table t = table;
    if (t == null) {
      Table o = opened;
      // A new identity per enable: threads re-claim their slot (and clear the record they may
      // have left stale while publishing was off) on their next context change.
      t = o == null ? Table.open() : o.again();
      opened = t;
      table = t;
    }
    return t.mapFd;
  }

  /**
   * Stops publishing (the kernel session stopped); the table stays mapped for scopes still open.
   * {@link #enable()} starts again.
   */
  public static synchronized void disable() {
    table = null;
  }

  /** The mapped table, for benchmarks of the write path; null before {@link #enable()}. */
  static @Nullable ThreadContextTable table() {
    Table t = table;
    return t == null ? null : t.contexts;
  }

  /**
   * The generation of the current publishing period, for the programs' {@code ctx_generation}:
   * records claimed under an earlier one are stale. 0 when not enabled.
   */
  public static int generation() {
    Table t = table;
    return t == null ? 0 : t.generation;
  }

  /** Whether the table exists (context changes are being published). */
  public static boolean isEnabled() {
    return table != null;
  }

  /** Threads that publish nothing because their slot belongs to another live thread. */
  public static long collisions() {
    return COLLISIONS.sum();
  }

  /**
   * The record of the calling thread as the kernel would read it, or null when the thread
   * publishes nothing. For tests and diagnostics.
   */
  public static ThreadContextTable.@Nullable Record currentRecord() {
    Table t = table;
    if (t == null) {
      return null;
    }
    ThreadSlot s = SLOTS.get();
    if (!s.resolve(t)) {
      return null;
    }
    return t.contexts.read(s.offset);
  }

  /**
   * Makes the calling thread publish nothing from now on (its record is cleared): for obs's own
   * threads that make application contexts current, such as the event poller.
   */
  public static void excludeCurrentThread() {
    ThreadSlot s = SLOTS.get();
    Table t = table;
    if (t != null && s.offset >= 0) {
      s.publish(t, SpanContext.getInvalid());
    }
    s.offset = ThreadSlot.NONE;
  }

  /**
   * The calling thread's kernel tid when it publishes its context (resolved once per thread),
   * else 0: virtual threads, excluded threads, or no table yet.
   */
  public static int publishingTid() {
    Table t = table;
    if (t == null) {
      return 0;
    }
    ThreadSlot s = SLOTS.get();
    return s.resolve(t) ? s.tid : 0;
  }

  /** The calling thread's kernel tid as the programs see it, resolved once per thread. */
  public static int kernelTid() {
    Table t = table;
    ThreadSlot s = SLOTS.get();
    if (t != null && s.resolve(t)) {
      return s.tid;
    }
    return BpfObject.currentTid();
  }

  @Override
  public Scope attach(Context toAttach) {
    Scope scope = delegate.attach(toAttach);
    Table t = table;
    if (t == null) {
      return scope;
    }
    ThreadSlot s = SLOTS.get();
    if (!s.resolve(t)) {
      return scope;
    }
    SpanContext next = Span.fromContext(toAttach).getSpanContext();
    if (!next.isSampled()) { // invalid contexts are never sampled
      next = SpanContext.getInvalid();
    }
    SpanContext previous = s.published;
    if (next == previous || (!next.isValid() && !previous.isValid())) {
      return scope;
    }
    s.publish(t, next);
    return () -> {
      scope.close();
      s.publish(t, previous);
    };
  }

  @Override
  public @Nullable Context current() {
    return delegate.current();
  }

  @Override
  public Context root() {
    return delegate.root();
  }

  private static final class ThreadSlot {
    private static final int UNRESOLVED = -2;
    private static final int NONE = -1;

    int offset = UNRESOLVED;
    @Nullable Table resolvedFor;
    int tid;
    int seq;
    SpanContext published = SpanContext.getInvalid();
    final byte[] ids = new byte[ThreadContextTable.IDS];

    /** Claims the thread's slot the first time; false when this thread publishes nothing. */
    boolean resolve(Table t) {
      if (resolvedFor != t && offset != NONE) {
        offset = UNRESOLVED; // first use, or publishing was enabled again
      }
      if (offset >= 0) {
        return true;
      }
      if (offset == NONE) {
        return false;
      }
      resolvedFor = t;
      Thread me = Thread.currentThread();
      if (isVirtual(me)) {
        offset = NONE;
        return false;
      }
      int kernelTid;
      try {
        kernelTid = t.tid();
      } catch (BpfException | RuntimeException e) {
        offset = NONE;
        return false;
      }
      int index = kernelTid & (ThreadStats.SLOTS - 1);
      while (true) {
        WeakReference<Thread> owner = t.owners.get(index);
        Thread o = owner == null ? null : owner.get();
        if (o != null && o != me && o.isAlive()) {
          COLLISIONS.increment();
          offset = NONE;
          return false;
        }
        if (t.owners.compareAndSet(index, owner, new WeakReference<>(me))) {
          break;
        }
      }
      tid = kernelTid;
      offset = ThreadContextTable.slotOffset(kernelTid);
      // A dead thread may have left a span here: start from "nothing".
      seq = t.contexts.claim(offset, tid, t.generation);
      published = SpanContext.getInvalid();
      return true;
    }

    @SuppressWarnings("deprecation") // the ASCII-only getBytes is exactly what is wanted here
    void publish(Table t, SpanContext sc) {
      if (offset < 0) {
        return; // excluded after the scope was opened
      }
      boolean valid = sc.isValid();
      if (valid) {
        // Hex ids are Latin-1 strings: this is an array copy, no parsing.
        sc.getTraceId().getBytes(0, ThreadContextTable.TRACE_ID_HEX, ids, 0);
        sc.getSpanId()
            .getBytes(0, ThreadContextTable.SPAN_ID_HEX, ids, ThreadContextTable.TRACE_ID_HEX);
      }
      seq = t.contexts.write(offset, seq, ids, valid);
      published = sc;
    }
  }

  private static boolean isVirtual(Thread thread) {
    MethodHandle h = IS_VIRTUAL;
    if (h == null) {
      return false;
    }
    try {
      return (boolean) h.invokeExact(thread);
    } catch (Throwable e) {
      return false;
    }
  }

  private static @Nullable MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null; // Java 17: no virtual threads
    }
  }

  /** The JVM-lifetime table: the ctx object (never closed) and a tid resolver. */
  private static final class Table {
    final BpfObject object;
    final ThreadContextTable contexts;
    final int mapFd;
    final @Nullable KernelIds ids;
    final AtomicReferenceArray<WeakReference<Thread>> owners;
    final int generation;

    private Table(
        BpfObject object,
        ThreadContextTable contexts,
        int mapFd,
        @Nullable KernelIds ids,
        AtomicReferenceArray<WeakReference<Thread>> owners,
        int generation) {
      this.object = object;
      this.contexts = contexts;
      this.mapFd = mapFd;
      this.ids = ids;
      this.owners = owners;
      this.generation = generation;
    }

    /** The same mapping under a new identity (see {@link #enable()}). */
    Table again() {
      return new Table(object, contexts, mapFd, ids, owners, generation + 1);
    }

    static Table open() throws BpfException, IOException {
      byte[] elf = Feature.readResource(OBJECT_RESOURCE);
      BpfObject obj = BpfObject.open(elf, "ctx");
      try {
        obj.load();
        ThreadContextTable contexts = new ThreadContextTable(obj.mmap(MAP));
        KernelIds ids = null;
        try {
          ids = KernelIds.open();
        } catch (BpfException | IOException e) {
          // Before Linux 5.10 raw_tp test runs fail; gettid() is right outside containers.
        }
        return new Table(
            obj, contexts, obj.mapFd(MAP), ids, new AtomicReferenceArray<>(ThreadStats.SLOTS), 1);
      } catch (BpfException | RuntimeException e) {
        obj.close();
        throw e;
      }
    }

    int tid() throws BpfException {
      KernelIds k = ids;
      if (k == null) {
        return BpfObject.currentTid();
      }
      synchronized (this) {
        return k.tid();
      }
    }
  }
}
