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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Publishes the span current on each platform thread to the kernel. It wraps OpenTelemetry's
 * {@link ContextStorage}: every {@code makeCurrent()} writes the thread's record in the shared
 * {@link ThreadContextTable} when the current sampled span changes, and closing the scope writes
 * back what was there before. Unsampled spans and contexts without a span publish "nothing".
 *
 * <p>When the wrapped storage is OpenTelemetry's default one, this storage keeps the current
 * context itself, in the thread's {@code ThreadSlot} next to the publishing state, with the
 * default storage's semantics: one thread-local lookup and one scope per attach instead of two of
 * each. Record writes are one ordered store of the flags when only validity changes or one of the
 * record's two id sets holds the span's ids (see {@link ThreadContextTable#setFlags}); new ids take
 * the seqlock write, into the set the current span does not use.
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

  private static final ThreadLocal<ThreadSlot> SLOTS = ThreadLocal.withInitial(ThreadSlot::new);

  private static final Logger LOG = Logger.getLogger(ContextPublisher.class.getName());

  private final ContextStorage delegate;
  private final boolean owner;

  private ContextPublisher(ContextStorage delegate) {
    this.delegate = delegate;
    this.owner = delegate == ContextStorage.defaultStorage();
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
    if (t != null && s.offset >= 0 && s.resolvedFor == t) {
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
  public Scope attach(@Nullable Context toAttach) {
    return owner ? attachOwned(toAttach) : attachWrapped(toAttach);
  }

  /**
   * OpenTelemetry's default storage is the delegate: the context lives in the thread's slot, so an
   * attach costs one thread-local lookup and one scope, as without obs, instead of two of each.
   * Semantics are those of the default storage: attaching the current context or null is a no-op,
   * and a scope that is not the current one (closed twice, out of order, on another thread) is
   * ignored. The published record follows the context: it changes only when the context does.
   */
  private Scope attachOwned(@Nullable Context toAttach) {
    if (toAttach == null) {
      return Scope.noop();
    }
    ThreadSlot s = SLOTS.get();
    Context before = s.context;
    if (toAttach == before) {
      return Scope.noop();
    }
    s.context = toAttach;
    SpanContext previous = null;
    Table t = table;
    if (t != null && s.resolve(t)) {
      previous = s.published();
      s.publish(t, sampled(toAttach));
    }
    return new OwnedScope(s, before, toAttach, previous);
  }

  /** Another storage (a wrapper added earlier, a provider) keeps the context; this publishes. */
  private Scope attachWrapped(@Nullable Context toAttach) {
    Scope scope = delegate.attach(toAttach);
    Table t = table;
    if (t == null || toAttach == null) {
      return scope;
    }
    ThreadSlot s = SLOTS.get();
    if (!s.resolve(t)) {
      return scope;
    }
    SpanContext next = sampled(toAttach);
    SpanContext previous = s.published();
    if (next == previous || (!next.isValid() && !previous.isValid())) {
      return scope;
    }
    s.publish(t, next);
    return new RestoringScope(scope, s, previous);
  }

  /** The span context to publish for a context: its span's when sampled, else invalid. */
  private static SpanContext sampled(@Nullable Context context) {
    if (context == null) {
      return SpanContext.getInvalid();
    }
    SpanContext sc = Span.fromContext(context).getSpanContext();
    return sc.isSampled() ? sc : SpanContext.getInvalid(); // invalid contexts are never sampled
  }

  @Override
  public @Nullable Context current() {
    return owner ? SLOTS.get().context : delegate.current();
  }

  @Override
  public Context root() {
    return delegate.root();
  }

  /** The scope of an attach when this storage keeps the context (see {@link #attachOwned}). */
  private static final class OwnedScope implements Scope {
    private final ThreadSlot slot;
    private final @Nullable Context before;
    private final Context attached;
    /** What the thread published before, or null when it was not publishing at attach. */
    private final @Nullable SpanContext previous;

    private boolean closed;

    OwnedScope(
        ThreadSlot slot, @Nullable Context before, Context attached, @Nullable SpanContext previous) {
      this.slot = slot;
      this.before = before;
      this.attached = attached;
      this.previous = previous;
    }

    @Override
    public void close() {
      ThreadSlot s = slot;
      boolean sameThread = s.thread == Thread.currentThread();
      if (!sameThread) {
        s = SLOTS.get(); // like the default storage: act on the closing thread's context
      }
      if (closed || s.context != attached) {
        LOG.log(Level.FINE, "Trying to close scope which does not represent current context."
            + " Ignoring the call.");
        return;
      }
      closed = true;
      s.context = before;
      Table t = table;
      if (t != null && s.resolve(t)) {
        SpanContext p = previous;
        s.publish(t, p != null && sameThread ? p : sampled(before));
      }
    }
  }

  /** Closes the delegate's scope, then restores what the thread published before. */
  private static final class RestoringScope implements Scope {
    private final Scope scope;
    private final ThreadSlot slot;
    private final SpanContext previous;

    RestoringScope(Scope scope, ThreadSlot slot, SpanContext previous) {
      this.scope = scope;
      this.slot = slot;
      this.previous = previous;
    }

    @Override
    public void close() {
      scope.close();
      Table t = table;
      // Only the owning thread writes its record; a scope closed elsewhere leaves it be.
      if (t != null && slot.thread == Thread.currentThread() && slot.resolve(t)) {
        slot.publish(t, previous);
      }
    }
  }

  private static final class ThreadSlot {
    private static final int UNRESOLVED = -2;
    private static final int NONE = -1;
    private static final int NOTHING = -1;

    final Thread thread = Thread.currentThread();
    /** The current context when this storage keeps it (see {@link #attachOwned}); else unused. */
    @Nullable Context context;

    int offset = UNRESOLVED;
    @Nullable Table resolvedFor;
    int tid;
    int seq;
    /**
     * Which id set the record publishes: {@link #NOTHING}, 0 ({@link #held}) or 1 ({@link
     * #heldAlt}). An int rather than a reference to the published span: storing a reference into
     * this long-lived object on every context change would cost a GC write barrier each time (with
     * G1 a StoreLoad fence: tens of nanoseconds per pair in JMH), while the sets themselves change
     * only when new ids are written.
     */
    int publishedSet = NOTHING;
    /** The spans whose ids are in the record's first and second id set, null when unknown. */
    @Nullable SpanContext held;

    @Nullable SpanContext heldAlt;
    /** Which id set the record's flags select. */
    boolean alt;
    byte @Nullable [] ids;

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
        WeakReference<Thread> mine = new WeakReference<>(me);
        if (owner == null
            ? t.owners.putIfAbsent(index, mine) == null
            : t.owners.replace(index, owner, mine)) {
          break;
        }
      }
      tid = kernelTid;
      offset = ThreadContextTable.slotOffset(kernelTid);
      // A dead thread may have left a span here: start from "nothing".
      seq = t.contexts.claim(offset, tid, t.generation);
      publishedSet = NOTHING;
      held = null;
      heldAlt = null;
      alt = false;
      return true;
    }

    /** What the record says now: a sampled span's context, or invalid for "nothing". */
    SpanContext published() {
      SpanContext sc = publishedSet == 0 ? held : publishedSet == 1 ? heldAlt : null;
      return sc != null ? sc : SpanContext.getInvalid();
    }

    /**
     * Makes the record say {@code sc} (a sampled span's context, or invalid for "nothing"). A span
     * whose ids are in one of the record's two id sets (the parent when its child's scope closes,
     * the same span made current again) is one store of the flags, as is "nothing"; only a span
     * in neither set costs the seqlock write of its 48 hex digits, into the set not selected now,
     * so that the span current until now (the parent, for a child) stays in the other.
     */
    @SuppressWarnings("deprecation") // the ASCII-only getBytes is exactly what is wanted here
    void publish(Table t, SpanContext sc) {
      if (offset < 0) {
        return; // excluded after the scope was opened
      }
      if (!sc.isValid()) {
        if (publishedSet != NOTHING) {
          t.contexts.setFlags(offset, false, alt);
          publishedSet = NOTHING;
        }
      } else if (sc == held) {
        if (publishedSet != 0) {
          alt = false;
          t.contexts.setFlags(offset, true, false);
          publishedSet = 0;
        }
      } else if (sc == heldAlt) {
        if (publishedSet != 1) {
          alt = true;
          t.contexts.setFlags(offset, true, true);
          publishedSet = 1;
        }
      } else {
        byte[] b = ids;
        if (b == null) {
          b = new byte[ThreadContextTable.IDS];
          ids = b;
        }
        // Hex ids are Latin-1 strings: this is an array copy, no parsing.
        sc.getTraceId().getBytes(0, ThreadContextTable.TRACE_ID_HEX, b, 0);
        sc.getSpanId().getBytes(0, ThreadContextTable.SPAN_ID_HEX, b, ThreadContextTable.TRACE_ID_HEX);
        // Into the set not selected now, so the span current until now (a parent) stays.
        alt = !alt;
        seq = t.contexts.write(offset, seq, b, alt);
        if (alt) {
          heldAlt = sc;
          publishedSet = 1;
        } else {
          held = sc;
          publishedSet = 0;
        }
      }
    }
  }

  /**
   * {@code Thread.isVirtual()} where it exists. A holder class, so the lookup runs when a thread
   * first claims a slot (after {@link #enable()}), not on the init thread that installs the wrapper.
   */
  private static final class VirtualThreads {
    static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();
  }

  private static boolean isVirtual(Thread thread) {
    MethodHandle h = VirtualThreads.IS_VIRTUAL;
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
    /** Slot index to the thread that claimed it; only slots ever claimed have an entry. */
    final ConcurrentHashMap<Integer, WeakReference<Thread>> owners;
    final int generation;

    private Table(
        BpfObject object,
        ThreadContextTable contexts,
        int mapFd,
        @Nullable KernelIds ids,
        ConcurrentHashMap<Integer, WeakReference<Thread>> owners,
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
            obj, contexts, obj.mapFd(MAP), ids, new ConcurrentHashMap<>(), 1);
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
