// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

/**
 * Loads the JNI library for the platform this JVM runs on and has libbpf parse every BPF object
 * that platform uses, without touching the kernel: the check docs/ebpf.md describes for an arm64
 * JVM under {@code qemu-aarch64-static} on an x86_64 build machine. Exits non-zero on failure.
 */
public final class PlatformSmokeMain {
  private PlatformSmokeMain() {}

  public static void main(String[] args) throws Exception {
    String platform = NativeLibrary.platform();
    System.out.println("platform=" + platform + " syscalls=" + Syscalls.current().arch());
    System.out.println("library=" + NativeLibrary.describe());
    NativeLibrary.ensureAvailability();
    System.out.println(
        "libbpf="
            + NativeBpf.libbpfVersion()
            + " interface="
            + NativeBpf.interfaceVersion()
            + " tid="
            + NativeBpf.gettid());
    for (Feature f : Feature.values()) {
      try (BpfObject obj = BpfObject.open(f.readObject(), f.objectName())) {
        if (!obj.programNames().containsAll(f.programs())) {
          throw new AssertionError(f.resource() + " lacks programs: " + obj.programNames());
        }
        System.out.println(f.resource() + " opened: " + obj.programNames());
      }
    }
    System.out.println("openat=" + Syscalls.number("openat").orElse(-1));
  }
}
