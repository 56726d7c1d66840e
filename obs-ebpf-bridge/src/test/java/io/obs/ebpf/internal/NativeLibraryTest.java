// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeLibraryTest {

  @Test
  void loadsOnEveryShippedPlatformAndExplainsElsewhere() {
    if (NativeLibrary.supported(NativeLibrary.platform())) {
      assertThat(NativeLibrary.unavailabilityCause()).isNull();
      assertThat(NativeLibrary.isAvailable()).isTrue();
      assertThat(NativeBpf.libbpfVersion()).isEqualTo("1.1");
      assertThat(NativeBpf.interfaceVersion()).isEqualTo(NativeBpf.INTERFACE_VERSION);
      assertThat(BpfObject.currentTid()).isPositive();
    } else {
      assertThat(NativeLibrary.isAvailable()).isFalse();
      assertThat(NativeLibrary.describe())
          .startsWith("eBPF needs linux-x86_64 or linux-aarch64, this JVM runs on ");
    }
  }

  @Test
  void platformNamesFollowTheJarDirectories() {
    assertThat(NativeLibrary.platform("Linux", "amd64")).isEqualTo("linux-x86_64");
    assertThat(NativeLibrary.platform("Linux", "aarch64")).isEqualTo("linux-aarch64");
    assertThat(NativeLibrary.platform("Mac OS X", "aarch64")).isEqualTo("mac_os_x-aarch64");
    assertThat(NativeLibrary.supported("linux-aarch64")).isTrue();
    assertThat(NativeLibrary.supported("linux-riscv64")).isFalse();
  }

  @Test
  void noexecIsReadFromTheInnermostMount() {
    String mountinfo =
        String.join(
            "\n",
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "40 22 0:35 / /tmp rw,nosuid,nodev,noexec,relatime shared:2 - tmpfs tmpfs rw",
            "41 40 0:36 / /tmp/exec\\040dir rw,relatime shared:3 - tmpfs tmpfs rw",
            "");

    assertThat(NativeLibrary.isNoexec(Path.of("/tmp/obs-does-not-exist"), mountinfo)).isTrue();
    assertThat(NativeLibrary.isNoexec(Path.of("/tmp/exec dir/x"), mountinfo)).isFalse();
    assertThat(NativeLibrary.isNoexec(Path.of("/var/tmp"), mountinfo)).isFalse();
    assertThat(NativeLibrary.isNoexec(Path.of("/tmpfoo"), mountinfo)).isFalse();
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
