// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.time.Duration;
import java.util.UUID;

/**
 * Child-JVM entry point of KernelSessionIT, started in a new PID namespace (as in a container):
 * its getpid() is 1 while the kernel knows it by another tgid, and process scope must still see
 * its own syscalls.
 */
public final class PidNamespaceMain {
  private PidNamespaceMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println("getpid=" + ProcessHandle.current().pid());
    KernelTestSupport.Collector events = new KernelTestSupport.Collector();
    String missing = "/nonexistent-obs-pidns/" + UUID.randomUUID();
    try (KernelSession s =
        KernelSession.start(
            EbpfSettings.defaults()
                .withPrograms(true, true, false, false)
                .withPollInterval(Duration.ofMillis(20)),
            events)) {
      System.out.println("target tgid=" + s.targetTgid());
      KernelTestSupport.openMissing(missing);
      boolean seen =
          KernelTestSupport.await(
              Duration.ofSeconds(10),
              () -> events.syscalls.stream().anyMatch(e -> missing.equals(e.path())));
      System.out.println("own openat seen=" + seen);
    }
  }
}
