// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>The JNI surface of {@code libobs_ebpf.so} (src/main/native/obs_ebpf.c). A handle is the
 * address of a native struct owning one libbpf object, its links, ring-buffer mapping and
 * mmapped maps. Callers serialise calls per handle ({@link BpfObject} does) and call {@link
 * #close(long)} exactly once. Failures throw {@link BpfException} with the errno and the last
 * lines libbpf logged.
 */
final class NativeBpf {
  /**
   * What {@link #interfaceVersion()} must return: bumped with obs_ebpf.c's {@code
   * OBS_EBPF_INTERFACE_VERSION} whenever a native method changes its meaning.
   */
  static final int INTERFACE_VERSION = 2;

  private NativeBpf() {}

  /** The {@code OBS_EBPF_INTERFACE_VERSION} the library was built with. */
  static native int interfaceVersion();

  /** {@code major.minor} of the libbpf linked into the library. */
  static native String libbpfVersion();

  /** The calling thread's kernel thread id ({@code gettid()}). */
  static native int gettid();

  /** Number of possible CPUs: the number of values a per-CPU map lookup returns. */
  static native int possibleCpus() throws BpfException;

  /** Parses an ELF BPF object; the bytes are copied. */
  static native long open(byte[] elf, String name) throws BpfException;

  /** Sets a {@code const volatile} global of the object's .rodata before load. */
  static native void setRodata(long handle, String variable, byte[] value) throws BpfException;

  static native void setMaxEntries(long handle, String map, int maxEntries) throws BpfException;

  static native void setAutoload(long handle, String program, boolean autoload)
      throws BpfException;

  /** Makes the map use an existing map fd (shared between objects); before load. */
  static native void reuseMap(long handle, String map, int fd) throws BpfException;

  static native void load(long handle) throws BpfException;

  static native String[] programNames(long handle);

  static native void attach(long handle, String program) throws BpfException;

  /**
   * Runs a loaded program once with {@code BPF_PROG_TEST_RUN} in the calling thread (raw_tp
   * programs, Linux 5.10+) and returns its return value.
   */
  static native int testRun(long handle, String program) throws BpfException;

  /** Kernel id of a loaded program. */
  static native int programId(long handle, String program) throws BpfException;

  /**
   * {@code {run_time_ns, run_cnt}} of a loaded program; both stay 0 unless the sysctl
   * kernel.bpf_stats_enabled is 1.
   */
  static native long[] programStats(long handle, String program) throws BpfException;

  /** Whether a BPF program with this kernel id is still loaded anywhere on the host. */
  static native boolean programExists(int id) throws BpfException;

  static native int mapFd(long handle, String map) throws BpfException;

  /** {@code {type, key_size, value_size, max_entries, map_flags}}. */
  static native int[] mapInfo(long handle, String map) throws BpfException;

  /**
   * Looks a key up; for per-CPU maps {@code value} holds one 8-byte aligned value per possible
   * CPU. Returns false when the key is absent.
   */
  static native boolean lookup(long handle, String map, byte[] key, byte[] value)
      throws BpfException;

  static native void update(long handle, String map, byte[] key, byte[] value, long flags)
      throws BpfException;

  /** Returns false when the key was absent. */
  static native boolean delete(long handle, String map, byte[] key) throws BpfException;

  /**
   * Copies entries following {@code startKey} (from the first entry when null) into {@code keys}
   * and {@code values} (direct buffers, filled from index 0, as many as both hold). Returns the
   * number of entries copied; fewer than fit means the map was exhausted.
   */
  static native int dump(
      long handle, String map, byte @Nullable [] startKey, ByteBuffer keys, ByteBuffer values)
      throws BpfException;

  /** Maps a BPF ring buffer for {@link #ringDrain}. */
  static native void ringOpen(long handle, String map) throws BpfException;

  /**
   * Moves committed ring-buffer records into {@code dst} (a direct buffer, written from index 0)
   * as {@code [u32 length][u32 0][record][pad to 8]} until the ring is empty or the next record
   * does not fit, and returns the bytes written. Never waits.
   */
  static native int ringDrain(long handle, ByteBuffer dst) throws BpfException;

  /** Bytes produced but not yet consumed. */
  static native long ringPending(long handle) throws BpfException;

  /**
   * Maps a {@code BPF_F_MMAPABLE} array map read-write into the process. The buffer is valid
   * until {@link #close(long)}; touching it afterwards crashes the JVM.
   */
  static native ByteBuffer mmapMap(long handle, String map) throws BpfException;

  /** Destroys the links (detaching the programs), unmaps and closes the object. */
  static native void close(long handle);
}
