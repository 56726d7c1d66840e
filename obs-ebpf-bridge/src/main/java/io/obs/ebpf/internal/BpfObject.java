// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>One BPF object opened through libbpf: configure (rodata, map sizes, autoload), {@link
 * #load()}, {@link #attach(String)} programs one by one, then read its maps and ring buffer.
 * Calls are serialised on the instance; after {@link #close()} every call fails with {@link
 * IllegalStateException}.
 */
public final class BpfObject implements AutoCloseable {
  /** {@code BPF_ANY} update flag. */
  public static final long BPF_ANY = 0;

  private static final int MAP_TYPE_PERCPU_HASH = 5;
  private static final int MAP_TYPE_PERCPU_ARRAY = 6;
  private static final int MAP_TYPE_LRU_PERCPU_HASH = 10;
  private static final int DUMP_BATCH = 64;

  private static volatile int possibleCpus;

  private final String name;
  private long handle;

  private BpfObject(String name, long handle) {
    this.name = name;
    this.handle = handle;
  }

  /** Parses an ELF object; nothing reaches the kernel before {@link #load()}. */
  public static BpfObject open(byte[] elf, String name) throws BpfException {
    NativeLibrary.ensureAvailability();
    Objects.requireNonNull(elf, "elf");
    Objects.requireNonNull(name, "name");
    return new BpfObject(name, NativeBpf.open(elf, name));
  }

  /** Values a per-CPU map lookup returns: one per possible CPU. */
  public static int possibleCpus() throws BpfException {
    int n = possibleCpus;
    if (n == 0) {
      NativeLibrary.ensureAvailability();
      n = NativeBpf.possibleCpus();
      possibleCpus = n;
    }
    return n;
  }

  /** The calling thread's kernel thread id. */
  public static int currentTid() {
    NativeLibrary.ensureAvailability();
    return NativeBpf.gettid();
  }

  /** Whether a program with this kernel id is loaded anywhere on the host. */
  public static boolean programExists(int id) throws BpfException {
    NativeLibrary.ensureAvailability();
    return NativeBpf.programExists(id);
  }

  public String name() {
    return name;
  }

  private long h() {
    if (handle == 0) {
      throw new IllegalStateException("BPF object " + name + " is closed");
    }
    return handle;
  }

  public synchronized void setRodata(String variable, byte[] value) throws BpfException {
    NativeBpf.setRodata(h(), variable, value);
  }

  public void setRodataU32(String variable, int value) throws BpfException {
    setRodata(variable, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  public void setRodataU64(String variable, long value) throws BpfException {
    setRodata(
        variable, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
  }

  public void setRodataU64Array(String variable, long[] values) throws BpfException {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    setRodata(variable, b.array());
  }

  public synchronized void setMaxEntries(String map, int maxEntries) throws BpfException {
    NativeBpf.setMaxEntries(h(), map, maxEntries);
  }

  public synchronized void setAutoload(String program, boolean autoload) throws BpfException {
    NativeBpf.setAutoload(h(), program, autoload);
  }

  public synchronized void reuseMap(String map, int fd) throws BpfException {
    NativeBpf.reuseMap(h(), map, fd);
  }

  /** Creates the maps and verifies and loads every program whose autoload is on. */
  public synchronized void load() throws BpfException {
    NativeBpf.load(h());
  }

  public synchronized List<String> programNames() {
    return List.of(NativeBpf.programNames(h()));
  }

  public synchronized void attach(String program) throws BpfException {
    NativeBpf.attach(h(), program);
  }

  /** Runs a loaded raw_tp program once in the calling thread; returns its return value. */
  public synchronized int testRun(String program) throws BpfException {
    return NativeBpf.testRun(h(), program);
  }

  public synchronized int programId(String program) throws BpfException {
    return NativeBpf.programId(h(), program);
  }

  /** {@code {run_time_ns, run_cnt}}; zeros unless kernel.bpf_stats_enabled=1. */
  public synchronized long[] programStats(String program) throws BpfException {
    return NativeBpf.programStats(h(), program);
  }

  public synchronized int mapFd(String map) throws BpfException {
    return NativeBpf.mapFd(h(), map);
  }

  /** Map geometry as the loaded object has it. */
  public record MapInfo(int type, int keySize, int valueSize, int maxEntries, int flags) {
    public boolean perCpu() {
      return type == MAP_TYPE_PERCPU_HASH
          || type == MAP_TYPE_PERCPU_ARRAY
          || type == MAP_TYPE_LRU_PERCPU_HASH;
    }
  }

  public synchronized MapInfo mapInfo(String map) throws BpfException {
    int[] i = NativeBpf.mapInfo(h(), map);
    return new MapInfo(i[0], i[1], i[2], i[3], i[4]);
  }

  /** Bytes of one lookup result: the value, or one 8-byte aligned value per CPU. */
  public int valueBytes(MapInfo info) throws BpfException {
    return info.perCpu() ? ((info.valueSize() + 7) & ~7) * possibleCpus() : info.valueSize();
  }

  public synchronized boolean lookup(String map, byte[] key, byte[] value) throws BpfException {
    return NativeBpf.lookup(h(), map, key, value);
  }

  public synchronized void update(String map, byte[] key, byte[] value, long flags)
      throws BpfException {
    NativeBpf.update(h(), map, key, value, flags);
  }

  public synchronized boolean delete(String map, byte[] key) throws BpfException {
    return NativeBpf.delete(h(), map, key);
  }

  /** Receives one map entry; the buffers are little-endian and reused after the call. */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(ByteBuffer keys, int keyOffset, ByteBuffer values, int valueOffset);
  }

  /** Visits every entry of a map, {@value #DUMP_BATCH} entries per native call. */
  public synchronized void forEach(String map, EntryVisitor visitor) throws BpfException {
    long h = h();
    MapInfo info = mapInfo(map);
    int keySize = info.keySize();
    int valueBytes = valueBytes(info);
    ByteBuffer keys =
        ByteBuffer.allocateDirect(keySize * DUMP_BATCH).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer values =
        ByteBuffer.allocateDirect(valueBytes * DUMP_BATCH).order(ByteOrder.LITTLE_ENDIAN);
    byte @Nullable [] start = null;
    while (true) {
      int n = NativeBpf.dump(h, map, start, keys, values);
      for (int i = 0; i < n; i++) {
        visitor.visit(keys, i * keySize, values, i * valueBytes);
      }
      if (n < DUMP_BATCH) {
        return;
      }
      start = new byte[keySize];
      keys.get((n - 1) * keySize, start);
    }
  }

  /** Maps the object's ring buffer for {@link #drain(ByteBuffer)}. */
  public synchronized void openRing(String map) throws BpfException {
    NativeBpf.ringOpen(h(), map);
  }

  /**
   * Moves committed records into {@code dst} (direct, little-endian, written from index 0) as
   * {@code [u32 length][u32 0][record][pad to 8]}; returns the bytes written.
   */
  public synchronized int drain(ByteBuffer dst) throws BpfException {
    return NativeBpf.ringDrain(h(), dst);
  }

  public synchronized long ringPending() throws BpfException {
    return NativeBpf.ringPending(h());
  }

  /** Maps a {@code BPF_F_MMAPABLE} array; the buffer dies with {@link #close()}. */
  public synchronized ByteBuffer mmap(String map) throws BpfException {
    return NativeBpf.mmapMap(h(), map).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Detaches every program and releases every kernel object this instance created. */
  @Override
  public synchronized void close() {
    long h = handle;
    handle = 0;
    if (h != 0) {
      NativeBpf.close(h);
    }
  }

  @Override
  public String toString() {
    return "BpfObject{" + name + (handle == 0 ? ", closed}" : "}");
  }
}
