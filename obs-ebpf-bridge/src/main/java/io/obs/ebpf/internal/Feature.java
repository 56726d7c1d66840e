// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Internal: not for use outside obs.
 *
 * <p>The prebuilt BPF objects (one per feature, from {@code bpf/prebuilt/}) and their programs.
 */
public enum Feature {
  SYSCALLS("syscalls", true, true, "obs_sys_enter", "obs_sys_exit"),
  TCP("tcp", true, true, "obs_tcp_state", "obs_tcp_retrans", Feature.TCP_RTT_PROGRAM),
  SCHED("sched", false, false, "obs_sched_switch", "obs_sched_wakeup", "obs_sched_wk_new");

  /** The TCP program that runs per received segment (smoothed-RTT samples), a separate opt-in. */
  public static final String TCP_RTT_PROGRAM = "obs_tcp_probe";

  /** Name of the ring buffer map in objects that have one. */
  public static final String RING = "obs_events";

  /** Name of the per-CPU counter array every object has. */
  public static final String COUNTERS = "obs_counters";

  private final String objectName;
  private final boolean hasRing;
  private final boolean perArchitecture;
  private final List<String> programs;

  Feature(String objectName, boolean hasRing, boolean perArchitecture, String... programs) {
    this.objectName = objectName;
    this.hasRing = hasRing;
    this.perArchitecture = perArchitecture;
    this.programs = List.of(programs);
  }

  public String objectName() {
    return objectName;
  }

  /** Whether the object stamps events with the thread contexts of {@code obs_thread_ctx}. */
  public boolean readsContext() {
    return this == SYSCALLS || this == TCP;
  }

  public boolean hasRing() {
    return hasRing;
  }

  public List<String> programs() {
    return programs;
  }

  /** Where the object for the running platform sits on the classpath. */
  public String resource() {
    return resource(NativeLibrary.platform());
  }

  /**
   * Where the object for {@code platform} sits on the classpath (packaged from bpf/prebuilt):
   * objects whose code depends on the architecture (syscall numbers and registers; the memory
   * ordering of the trace-context reads) have an arm64 build; the others are the same bytes for
   * both.
   */
  public String resource(String platform) {
    boolean arm64 = perArchitecture && platform.endsWith("-aarch64");
    return "META-INF/obs/bpf/" + (arm64 ? "arm64/" : "") + objectName + ".bpf.o";
  }

  /** The object's ELF bytes. */
  public byte[] readObject() throws IOException {
    return readResource(resource());
  }

  static byte[] readResource(String resource) throws IOException {
    ClassLoader loader = Feature.class.getClassLoader();
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is not on the classpath");
      }
      return in.readAllBytes();
    }
  }
}
