// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.obs.Observability;
import io.obs.ebpf.EbpfBridge;
import java.time.Duration;

/**
 * Child-JVM entry point of UnprivilegedProbeIT: starts obs with the bridge in auto mode (plus the
 * {@code ebpf:} lines of {@code args[0]}, if given), does some work, and prints what the bridge
 * says.
 */
public final class BridgeMain {
  private BridgeMain() {}

  public static void main(String[] args) throws Exception {
    try (Observability obs =
        KernelTestSupport.bridgeOnly(
                "service:\n  name: unprivileged\n"
                    + (args.length > 0 ? "ebpf:\n" + args[0].replace("\\n", "\n") : ""))
            .build()) {
      EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
      bridge.awaitLoaded(Duration.ofSeconds(30)); // ebpf.enabled: auto loads after init()
      System.out.println("active=" + bridge.isActive());
      System.out.println("status=" + bridge.status());
      long sum = 0;
      for (int i = 0; i < 1000; i++) {
        sum += Integer.toString(i).hashCode();
      }
      System.out.println("healthy=" + (sum != 0));
    }
  }
}
