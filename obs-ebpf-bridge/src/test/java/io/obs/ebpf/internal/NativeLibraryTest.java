// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeLibraryTest {

  @Test
  void loadsWhenBuiltAndExplainsWhenNot() {
    boolean packaged = NativeLibrary.class.getClassLoader().getResource(NativeLibrary.resourcePath()) != null;
    if (packaged) {
      assertThat(NativeLibrary.unavailabilityCause()).isNull();
      assertThat(NativeLibrary.isAvailable()).isTrue();
      assertThat(NativeBpf.libbpfVersion()).matches("\\d+\\.\\d+");
      assertThat(BpfObject.currentTid()).isPositive();
    } else {
      assertThat(NativeLibrary.isAvailable()).isFalse();
      assertThat(NativeLibrary.describe())
          .containsAnyOf("native library not built", "eBPF needs linux-x86_64");
    }
  }

  @Test
  void testsRunWithJniChecks() {
    assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        .as("the module's obs.test.argLine")
        .contains("-Xcheck:jni");
  }

  @Test
  void threadIdsDifferPerThread() throws InterruptedException {
    assumeTrue(NativeLibrary.isAvailable(), "native library not loaded: " + NativeLibrary.describe());
    int[] other = new int[1];
    Thread t = new Thread(() -> other[0] = BpfObject.currentTid());
    t.start();
    t.join();
    assertThat(other[0]).isPositive().isNotEqualTo(BpfObject.currentTid());
  }
}
