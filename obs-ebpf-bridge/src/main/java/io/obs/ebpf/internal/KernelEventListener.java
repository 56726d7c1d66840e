// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

/**
 * Internal: not for use outside obs.
 *
 * <p>Receives decoded ring-buffer events on the poller thread, in kernel order per object.
 * Implementations must be quick; an exception is counted and the event dropped.
 */
public interface KernelEventListener {
  void onSyscall(SyscallEvent event);

  void onTcp(TcpEvent event);

  KernelEventListener NONE =
      new KernelEventListener() {
        @Override
        public void onSyscall(SyscallEvent event) {}

        @Override
        public void onTcp(TcpEvent event) {}
      };
}
