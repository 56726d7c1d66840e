// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.obs.ebpf.internal.AvailabilityProbe.Availability;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AvailabilityProbeTest {
  private static final String ROOT_STATUS = "Name:\tjava\nCapEff:\t000001fffeffffff\nCapBnd:\t0\n";

  private record Env(
      String osName,
      String osArch,
      @Nullable String kernelRelease,
      boolean btfPresent,
      @Nullable String procSelfStatus,
      boolean nativeLibraryLoaded,
      String nativeLibraryDescription)
      implements AvailabilityProbe.Environment {}

  private static Env good() {
    return new Env("Linux", "amd64", "6.18.44-fc-v595", true, ROOT_STATUS, true, "libobs_ebpf loaded");
  }

  @Test
  void everythingInPlaceIsAvailable() {
    Availability a = AvailabilityProbe.probe(good());

    assertThat(a.isAvailable()).isTrue();
    assertThat(a.reason()).isEqualTo("available");
    assertThat(a.checks()).extracting(AvailabilityProbe.Check::name)
        .containsExactly("os", "kernel", "btf", "privileges", "native library");
  }

  @Test
  void otherOsStopsAtTheFirstCheck() {
    Availability a =
        AvailabilityProbe.probe(new Env("Mac OS X", "aarch64", null, false, null, false, "x"));

    assertThat(a.isAvailable()).isFalse();
    assertThat(a.reason()).isEqualTo("os: eBPF needs Linux on x86_64 or aarch64, this JVM runs on Mac OS X aarch64");
  }

  @Test
  void oldKernelIsNamed() {
    Env e = good();
    Availability a =
        AvailabilityProbe.probe(
            new Env(e.osName(), e.osArch(), "5.4.0-150-generic", true, ROOT_STATUS, true, "ok"));

    assertThat(a.reason()).startsWith("kernel: 5.4.0-150-generic is older than 5.12");
  }

  @Test
  void missingBtfIsNamed() {
    Availability a =
        AvailabilityProbe.probe(new Env("Linux", "amd64", "6.1.0", false, ROOT_STATUS, true, "ok"));

    assertThat(a.reason()).startsWith("btf: /sys/kernel/btf/vmlinux missing");
  }

  @Test
  void missingCapabilitiesAreListed() {
    String user = "Name:\tjava\nCapEff:\t0000000000000000\n";
    Availability a =
        AvailabilityProbe.probe(new Env("Linux", "amd64", "6.1.0", true, user, true, "ok"));

    assertThat(a.reason())
        .isEqualTo(
            "privileges: CapEff=0000000000000000 lacks CAP_BPF and CAP_PERFMON (run as root, or"
                + " grant CAP_BPF and CAP_PERFMON; CAP_SYS_ADMIN also works)");
  }

  @Test
  void capBpfAndPerfmonAloneAreEnoughAndSysAdminToo() {
    long bpfPerfmon = (1L << Capabilities.CAP_BPF) | (1L << Capabilities.CAP_PERFMON);
    assertThat(Capabilities.canTrace(bpfPerfmon)).isTrue();
    assertThat(Capabilities.canTrace(1L << Capabilities.CAP_SYS_ADMIN)).isTrue();
    assertThat(Capabilities.canTrace(1L << Capabilities.CAP_BPF)).isFalse();

    String onlyBpf = String.format("CapEff:\t%016x\n", 1L << Capabilities.CAP_BPF);
    Availability a =
        AvailabilityProbe.probe(new Env("Linux", "amd64", "6.1.0", true, onlyBpf, true, "ok"));
    assertThat(a.reason()).contains("lacks CAP_PERFMON (");
  }

  @Test
  void missingNativeLibraryAndSeveralProblemsAreAllReported() {
    Availability a =
        AvailabilityProbe.probe(
            new Env("Linux", "amd64", "6.1.0", false, ROOT_STATUS, false, "native library not built"));

    assertThat(a.reason())
        .contains("btf: /sys/kernel/btf/vmlinux missing")
        .contains("; native library: native library not built");
  }

  @Test
  void kernelReleaseParsing() {
    assertThat(KernelVersion.parse("6.18.44-fc-v595")).contains(new KernelVersion(6, 18));
    assertThat(KernelVersion.parse("5.12.0")).contains(KernelVersion.MINIMUM);
    assertThat(KernelVersion.parse("garbage")).isEmpty();
    assertThat(new KernelVersion(5, 11).compareTo(KernelVersion.MINIMUM)).isNegative();
    assertThat(new KernelVersion(6, 0).compareTo(KernelVersion.MINIMUM)).isPositive();
  }
}
