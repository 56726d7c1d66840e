// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

/** Child-JVM entry point of UnprivilegedProbeIT: prints what the probe and a session found. */
public final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) {
    AvailabilityProbe.Availability a = AvailabilityProbe.probe();
    System.out.println("available=" + a.isAvailable());
    System.out.println("reason=" + a.reason());
    System.out.println("native=" + NativeLibrary.isAvailable());
    if (NativeLibrary.isAvailable()) {
      try (KernelSession s = KernelSession.start(EbpfSettings.defaults(), KernelEventListener.NONE)) {
        s.programs().forEach(p -> System.out.println(p.describe()));
        System.out.println("anyAttached=" + s.anyAttached());
      }
    }
    System.out.println("healthy=" + (Runtime.getRuntime().availableProcessors() > 0));
  }
}
