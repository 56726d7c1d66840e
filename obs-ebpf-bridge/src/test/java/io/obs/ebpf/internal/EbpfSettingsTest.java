// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EbpfSettingsTest {

  @Test
  void syscallMaskHasOneBitPerTracedSyscall() {
    EbpfSettings s =
        new EbpfSettings(
            EbpfSettings.Scope.PROCESS, true, true, true, false, Set.of("read", "connect", "openat", "openat2"),
            Duration.ZERO, 4096, Duration.ofMillis(10));

    long[] mask = s.syscallMask();

    assertThat(mask).hasSize(8);
    assertThat(mask[0]).isEqualTo((1L << 0) | (1L << 42));
    assertThat(mask[4]).isEqualTo(1L << (257 - 256));
    assertThat(mask[6]).isEqualTo(1L << (437 - 384));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                new EbpfSettings(
                    EbpfSettings.Scope.HOST, true, false, true, true, Set.of("opnat"), Duration.ofMillis(-1),
                    5000, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown syscall 'opnat'")
        .hasMessageContaining("the TCP RTT program needs the TCP program")
        .hasMessageContaining("slowSyscall must not be negative")
        .hasMessageContaining("ringBufferBytes must be a power of two >= 4096: 5000")
        .hasMessageContaining("pollInterval must be in (0, 60s]");
  }

  @Test
  void syscallNamesMapBothWays() {
    assertThat(Syscalls.number("openat")).hasValue(257);
    assertThat(Syscalls.number("ACCEPT4")).hasValue(288);
    assertThat(Syscalls.name(59)).isEqualTo("execve");
    assertThat(Syscalls.name(9999)).isEqualTo("syscall_9999");
    assertThat(Errno.name(2)).isEqualTo("ENOENT");
    assertThat(Errno.name(115)).isEqualTo("EINPROGRESS");
    assertThat(Errno.name(4000)).isEqualTo("errno_4000");
  }
}
