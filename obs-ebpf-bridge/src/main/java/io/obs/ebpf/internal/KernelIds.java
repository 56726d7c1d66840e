// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Internal: not for use outside obs.
 *
 * <p>The process and thread ids as the kernel's initial PID namespace sees them, which is what
 * the programs filter and key on. Inside a container with its own PID namespace these differ from
 * {@code getpid()}/{@code gettid()}, and user space cannot learn them otherwise; the whoami
 * object's programs return them when test-run in the calling thread.
 */
public final class KernelIds implements AutoCloseable {
  static final String RESOURCE = "META-INF/obs/bpf/whoami.bpf.o";

  private final BpfObject whoami;

  private KernelIds(BpfObject whoami) {
    this.whoami = whoami;
  }

  /** Loads the whoami programs (Linux 5.10+ for test runs of raw_tp programs). */
  public static KernelIds open() throws BpfException, IOException {
    ClassLoader loader = KernelIds.class.getClassLoader();
    byte[] elf;
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(RESOURCE)
            : loader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is not on the classpath");
      }
      elf = in.readAllBytes();
    }
    BpfObject obj = BpfObject.open(elf, "whoami");
    try {
      obj.load();
    } catch (BpfException e) {
      obj.close();
      throw e;
    }
    return new KernelIds(obj);
  }

  /** This process's tgid in the initial PID namespace. */
  public int tgid() throws BpfException {
    return whoami.testRun("obs_whoami_tgid");
  }

  /** The calling thread's tid in the initial PID namespace. */
  public int tid() throws BpfException {
    return whoami.testRun("obs_whoami_tid");
  }

  @Override
  public void close() {
    whoami.close();
  }
}
