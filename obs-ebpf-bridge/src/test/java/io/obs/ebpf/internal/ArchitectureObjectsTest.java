// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The BPF objects a JVM on each shipped platform loads: libbpf must parse each of them (ELF, BTF,
 * CO-RE relocation records) and find the programs the session attaches. Loading them into a
 * kernel is KernelSessionIT's job, on the architecture it runs on.
 */
class ArchitectureObjectsTest {

  @ParameterizedTest
  @EnumSource(Feature.class)
  void everyPlatformHasEveryObjectWithItsPrograms(Feature feature) throws Exception {
    assumeTrue(NativeLibrary.isAvailable(), "libbpf parses the objects: " + NativeLibrary.describe());
    for (String platform : new String[] {"linux-x86_64", "linux-aarch64"}) {
      byte[] elf = Feature.readResource(feature.resource(platform));
      try (BpfObject obj = BpfObject.open(elf, feature.objectName())) {
        assertThat(obj.programNames()).as(platform).containsExactlyInAnyOrderElementsOf(feature.programs());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Feature.class)
  void onlyTheProgramsReadingRegistersOrTheContextTableAreBuiltPerArchitecture(Feature feature)
      throws IOException {
    byte[] x86 = Feature.readResource(feature.resource("linux-x86_64"));
    byte[] arm64 = Feature.readResource(feature.resource("linux-aarch64"));

    if (feature == Feature.SYSCALLS || feature == Feature.TCP) {
      assertThat(feature.resource("linux-aarch64"))
          .isEqualTo("META-INF/obs/bpf/arm64/" + feature.objectName() + ".bpf.o");
      assertThat(arm64).isNotEqualTo(x86);
    } else {
      assertThat(arm64).isEqualTo(x86);
    }
  }

  @org.junit.jupiter.api.Test
  void syscallTablesFollowEachArchitecture() {
    assertThat(Syscalls.X86_64.numberOf("openat")).hasValue(257);
    assertThat(Syscalls.AARCH64.numberOf("openat")).hasValue(56);
    assertThat(Syscalls.AARCH64.numberOf("connect")).hasValue(203);
    assertThat(Syscalls.AARCH64.numberOf("accept4")).hasValue(242);
    assertThat(Syscalls.AARCH64.numberOf("execve")).hasValue(221);
    assertThat(Syscalls.AARCH64.numberOf("openat2")).hasValue(437);
    assertThat(Syscalls.AARCH64.numberOf("open")).isEmpty();
    assertThat(Syscalls.AARCH64.nameOf(449)).isEqualTo("futex_waitv");
    assertThat(Syscalls.names()).contains("open", "openat", "futex_waitv").doesNotHaveDuplicates();
  }
}
