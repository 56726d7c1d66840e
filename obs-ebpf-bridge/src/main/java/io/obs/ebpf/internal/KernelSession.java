// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The loaded programs of one bridge lifetime: loads each enabled {@link Feature}'s object,
 * attaches its programs one by one (a program that fails is reported and the rest keep working),
 * polls the ring buffers and reads the kernel-side aggregates. {@link #close()} detaches every
 * program and closes every fd; a new session can be started afterwards in the same JVM.
 */
public final class KernelSession implements AutoCloseable {
  private static final int OBS_CNT_MAX = 8;

  /** Indexes of {@code enum obs_counter}. */
  public static final int CNT_RB_DROPS = 0;

  public static final int CNT_MAP_FULL = 1;
  public static final int CNT_TCP_RETRANS = 2;
  public static final int CNT_TCP_BYTES_SENT = 3;
  public static final int CNT_TCP_BYTES_RECV = 4;
  public static final int CNT_SLOT_TAKEOVER = 5;

  private final EbpfSettings settings;
  private final int targetTgid;
  private final @Nullable KernelIds ids;
  private final Map<Feature, BpfObject> objects;
  private final List<ProgramStatus> programs;
  private final EventDispatcher dispatcher;
  private final @Nullable RingBufferPoller poller;
  private final @Nullable ThreadStatsTable threads;
  private boolean closed;

  private KernelSession(
      EbpfSettings settings,
      int targetTgid,
      @Nullable KernelIds ids,
      Map<Feature, BpfObject> objects,
      List<ProgramStatus> programs,
      EventDispatcher dispatcher,
      @Nullable RingBufferPoller poller,
      @Nullable ThreadStatsTable threads) {
    this.settings = settings;
    this.targetTgid = targetTgid;
    this.ids = ids;
    this.objects = objects;
    this.programs = List.copyOf(programs);
    this.dispatcher = dispatcher;
    this.poller = poller;
    this.threads = threads;
  }

  /**
   * Loads and attaches what {@code settings} enables. Per-program failures end up in {@link
   * #programs()}; this only throws when the native library is missing.
   */
  public static KernelSession start(EbpfSettings settings, KernelEventListener listener) {
    return start(settings, listener, -1);
  }

  /**
   * Like {@link #start(EbpfSettings, KernelEventListener)}; with {@code contextMapFd} >= 0 the
   * syscall and TCP programs read the thread contexts from that map ({@link
   * ContextPublisher#enable()}) and stamp their events with them.
   */
  public static KernelSession start(
      EbpfSettings settings, KernelEventListener listener, int contextMapFd) {
    NativeLibrary.ensureAvailability();
    KernelIds ids = null;
    int ownTgid = (int) ProcessHandle.current().pid();
    try {
      ids = KernelIds.open();
      ownTgid = ids.tgid();
    } catch (BpfException | IOException e) {
      // Kernels before 5.10 cannot test-run raw_tp programs; getpid() is right outside
      // containers, and loading the features below reports any privilege problem.
      if (ids != null) {
        ids.close();
        ids = null;
      }
    }
    int tgid = settings.scope() == EbpfSettings.Scope.PROCESS ? ownTgid : 0;
    Map<Feature, BpfObject> objects = new EnumMap<>(Feature.class);
    List<ProgramStatus> statuses = new ArrayList<>();
    List<BpfObject> rings = new ArrayList<>();
    ThreadStatsTable threads = null;
    try {
      for (Feature feature : Feature.values()) {
        if (!settings.wants(feature)) {
          for (String p : feature.programs()) {
            statuses.add(
                new ProgramStatus(feature.objectName(), p, ProgramStatus.State.DISABLED, null, 0));
          }
          continue;
        }
        BpfObject obj = loadFeature(feature, settings, tgid, contextMapFd, statuses);
        if (obj == null) {
          continue;
        }
        objects.put(feature, obj);
        if (feature.hasRing()) {
          obj.openRing(Feature.RING);
          rings.add(obj);
        }
        if (feature == Feature.SCHED) {
          threads = new ThreadStatsTable(obj.mmap("obs_threads"));
        }
      }
    } catch (BpfException | RuntimeException e) {
      // Mapping a ring or the thread table failed after a good load: undo everything.
      objects.values().forEach(BpfObject::close);
      if (ids != null) {
        ids.close();
      }
      throw new IllegalStateException("obs eBPF: setting up loaded objects failed", e);
    }
    EventDispatcher dispatcher = new EventDispatcher(listener);
    RingBufferPoller poller = null;
    if (!rings.isEmpty()) {
      poller = new RingBufferPoller(rings, dispatcher, settings.pollInterval());
      poller.start();
    }
    return new KernelSession(settings, tgid, ids, objects, statuses, dispatcher, poller, threads);
  }

  /**
   * Loads a feature's object. When the whole object fails, each program is loaded alone to find
   * the culprits, and the object is loaded again without them.
   */
  private static @Nullable BpfObject loadFeature(
      Feature feature,
      EbpfSettings settings,
      int tgid,
      int contextMapFd,
      List<ProgramStatus> statuses) {
    byte[] elf;
    try {
      elf = feature.readObject();
    } catch (IOException e) {
      failAll(feature, feature.programs(), ProgramStatus.State.LOAD_FAILED, e.getMessage(), statuses);
      return null;
    }
    Map<String, String> loadErrors = new LinkedHashMap<>();
    Set<String> wanted = new LinkedHashSet<>();
    for (String p : feature.programs()) {
      if (settings.wants(feature, p)) {
        wanted.add(p);
      }
    }
    BpfObject obj = tryLoad(feature, elf, settings, tgid, contextMapFd, wanted, loadErrors);
    if (obj == null && wanted.size() > 1) {
      String whole = loadErrors.remove("*");
      Set<String> good = new LinkedHashSet<>();
      for (String p : wanted) {
        Map<String, String> single = new HashMap<>();
        BpfObject alone = tryLoad(feature, elf, settings, tgid, contextMapFd, Set.of(p), single);
        if (alone != null) {
          alone.close();
          good.add(p);
        } else {
          loadErrors.put(p, single.getOrDefault("*", whole));
        }
      }
      if (!good.isEmpty()) {
        obj = tryLoad(feature, elf, settings, tgid, contextMapFd, good, loadErrors);
        if (obj == null) {
          String again = loadErrors.remove("*");
          good.forEach(p -> loadErrors.put(p, again));
        }
      }
    } else if (obj == null) {
      String whole = loadErrors.remove("*");
      wanted.forEach(p -> loadErrors.put(p, whole));
    }
    for (String p : feature.programs()) {
      if (!wanted.contains(p)) {
        statuses.add(
            new ProgramStatus(feature.objectName(), p, ProgramStatus.State.DISABLED, null, 0));
        continue;
      }
      String loadError = loadErrors.get(p);
      if (loadError != null || obj == null) {
        statuses.add(
            new ProgramStatus(
                feature.objectName(), p, ProgramStatus.State.LOAD_FAILED, loadError, 0));
        continue;
      }
      int id = 0;
      try {
        id = obj.programId(p);
        obj.attach(p);
        statuses.add(
            new ProgramStatus(feature.objectName(), p, ProgramStatus.State.ATTACHED, null, id));
      } catch (BpfException e) {
        statuses.add(
            new ProgramStatus(
                feature.objectName(), p, ProgramStatus.State.ATTACH_FAILED, e.getMessage(), id));
      }
    }
    return obj;
  }

  /** Opens, configures and loads with only {@code programs} autoloaded; errors go under "*". */
  private static @Nullable BpfObject tryLoad(
      Feature feature,
      byte[] elf,
      EbpfSettings settings,
      int tgid,
      int contextMapFd,
      Set<String> programs,
      Map<String, String> errors) {
    BpfObject obj = null;
    try {
      obj = BpfObject.open(elf, feature.objectName());
      for (String p : feature.programs()) {
        if (!programs.contains(p)) {
          obj.setAutoload(p, false);
        }
      }
      obj.setRodataU32("target_tgid", tgid);
      if (contextMapFd >= 0 && feature.readsContext()) {
        obj.reuseMap(ContextPublisher.MAP, contextMapFd);
        obj.setRodataU32("ctx_generation", ContextPublisher.generation());
      }
      if (feature.hasRing()) {
        obj.setMaxEntries(Feature.RING, settings.ringBufferBytes());
      }
      if (feature == Feature.SYSCALLS) {
        long[] mask = settings.syscallMask();
        obj.setRodataU64Array("syscall_mask", mask);
        obj.setRodataU64Array("event_mask", mask);
        obj.setRodataU64("slow_ns", settings.slowSyscall().toNanos());
      }
      obj.load();
      return obj;
    } catch (BpfException | RuntimeException e) {
      if (obj != null) {
        obj.close();
      }
      errors.put("*", String.valueOf(e.getMessage()));
      return null;
    }
  }

  private static void failAll(
      Feature feature,
      List<String> programs,
      ProgramStatus.State state,
      @Nullable String error,
      List<ProgramStatus> statuses) {
    for (String p : programs) {
      statuses.add(new ProgramStatus(feature.objectName(), p, state, error, 0));
    }
  }

  public EbpfSettings settings() {
    return settings;
  }

  /** The tgid the programs filter on, 0 in host scope. */
  public int targetTgid() {
    return targetTgid;
  }

  /** Every program of every feature, enabled or not, in {@link Feature} order. */
  public List<ProgramStatus> programs() {
    return programs;
  }

  /**
   * The calling thread's id as the programs see it (initial PID namespace): the key of its
   * {@link #threadStats} slot. Costs a syscall; callers cache it per thread.
   */
  public synchronized int kernelTid() throws BpfException {
    checkOpen();
    return ids != null ? ids.tid() : BpfObject.currentTid();
  }

  public boolean anyAttached() {
    return programs.stream().anyMatch(ProgramStatus::up);
  }

  public EventDispatcher dispatcher() {
    return dispatcher;
  }

  /** Cumulative syscall latency per (syscall, errno), summed over CPUs. */
  public synchronized Map<SyscallKey, Log2Histogram> syscallHistograms() throws BpfException {
    return histograms(Feature.SYSCALLS, "syscall_hist", SyscallKey::decode);
  }

  /** Cumulative connect latency per (peer, result), summed over CPUs. */
  public synchronized Map<PeerKey, Log2Histogram> connectHistograms() throws BpfException {
    return histograms(Feature.TCP, "connect_hist", PeerKey::decode);
  }

  /** Cumulative smoothed-RTT samples (one per ACK received on a tracked socket). */
  public synchronized Log2Histogram rttHistogram() throws BpfException {
    BpfObject tcp = open(Feature.TCP);
    if (tcp == null) {
      return Log2Histogram.empty();
    }
    int cpus = BpfObject.possibleCpus();
    byte[] value = new byte[Log2Histogram.SIZE * cpus];
    if (!tcp.lookup("rtt_hist", new byte[4], value)) {
      return Log2Histogram.empty();
    }
    return Log2Histogram.decodePerCpu(
        ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN), 0, cpus);
  }

  /**
   * Kernel counters ({@code enum obs_counter}, see the {@code CNT_*} constants) summed over CPUs
   * and objects.
   */
  public synchronized long[] counters() throws BpfException {
    long[] sum = new long[OBS_CNT_MAX];
    int cpus = BpfObject.possibleCpus();
    byte[] value = new byte[8 * cpus];
    for (BpfObject obj : objects.values()) {
      checkOpen();
      for (int i = 0; i < OBS_CNT_MAX; i++) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array();
        if (obj.lookup(Feature.COUNTERS, key, value)) {
          ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
          for (int cpu = 0; cpu < cpus; cpu++) {
            sum[i] += v.getLong(cpu * 8);
          }
        }
      }
    }
    return sum;
  }

  /** The thread's scheduler totals; null without the sched feature or before its first switch. */
  public @Nullable ThreadStats threadStats(int tid) {
    ThreadStatsTable t = threads;
    return t == null ? null : t.read(tid);
  }

  /** {@code {run_time_ns, run_cnt}} per attached program (kernel.bpf_stats_enabled=1 to fill). */
  public synchronized Map<String, long[]> programStats() throws BpfException {
    checkOpen();
    Map<String, long[]> out = new LinkedHashMap<>();
    for (ProgramStatus s : programs) {
      if (s.up()) {
        BpfObject obj = objects.get(featureOf(s.object()));
        if (obj != null) {
          out.put(s.program(), obj.programStats(s.program()));
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static Feature featureOf(String objectName) {
    for (Feature f : Feature.values()) {
      if (f.objectName().equals(objectName)) {
        return f;
      }
    }
    throw new IllegalArgumentException(objectName);
  }

  private interface KeyDecoder<K> {
    K decode(ByteBuffer buf, int offset);
  }

  private <K> Map<K, Log2Histogram> histograms(Feature f, String map, KeyDecoder<K> keys)
      throws BpfException {
    BpfObject obj = open(f);
    if (obj == null) {
      return Map.of();
    }
    int cpus = BpfObject.possibleCpus();
    Map<K, Log2Histogram> out = new HashMap<>();
    obj.forEach(
        map,
        (k, ko, v, vo) ->
            out.merge(keys.decode(k, ko), Log2Histogram.decodePerCpu(v, vo, cpus), Log2Histogram::plus));
    return out;
  }

  private @Nullable BpfObject open(Feature f) {
    checkOpen();
    return objects.get(f);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("kernel session is closed");
    }
  }

  /** Stops polling, detaches every program and closes every map and program fd. Idempotent. */
  @Override
  public void close() {
    if (poller != null) {
      poller.close();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (threads != null) {
        threads.close();
      }
      objects.values().forEach(BpfObject::close);
      if (ids != null) {
        ids.close();
      }
    }
  }
}
