// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import io.obs.Observability;
import io.obs.ebpf.EbpfBridge;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the bridge costs {@code init()}, in fresh JVMs, with the programs loaded on the init thread
 * ({@code ebpf.enabled: true}, how every mode loaded before) versus on the loader thread ({@code
 * auto}), and without the bridge touching the kernel ({@code false}). Besides wall time it reports
 * the init thread's own CPU time (user and system, so the kernel's verifier counts where it runs),
 * which other load on a shared machine disturbs far less than wall time, and for {@code auto} when
 * the programs were attached. Run as root:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *   io.obs.ebpf.internal.StartupMeasurements 8
 * </pre>
 */
public final class StartupMeasurements {
  private static final List<String> MODES = List.of("false", "true", "auto");

  private StartupMeasurements() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(args[1]);
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (String mode : MODES) {
      results.put(mode, new ArrayList<>());
    }
    for (int i = 0; i < runs; i++) {
      for (int m = 0; m < MODES.size(); m++) {
        String mode = MODES.get((m + i) % MODES.size()); // rotate the order each round
        results.get(mode).add(runChild(mode));
      }
    }
    System.out.printf("ebpf.enabled  init wall ms  init-thread CPU ms  attached after start ms%n");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      System.out.printf(
          "%-13s %12.1f %19.1f %24s%n",
          e.getKey(),
          median(e.getValue(), 0),
          median(e.getValue(), 1),
          e.getKey().equals("auto") ? String.format("%.1f", median(e.getValue(), 2)) : "-");
    }
  }

  private static double[] runChild(String mode) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StartupMeasurements.class.getName(),
                "child",
                mode)
            .redirectErrorStream(true)
            .start();
    double[] out = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("STARTUP ")) {
          String[] f = line.split(" ");
          out =
              new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
        }
      }
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || out == null) {
      p.destroyForcibly();
      throw new IllegalStateException("child for ebpf.enabled=" + mode + " failed");
    }
    return out;
  }

  private static void child(String mode) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    try (Observability obs =
        KernelTestSupport.bridgeOnly("service:\n  name: startup\n")
            .set("ebpf.enabled", mode)
            .build()) {
      long wall = System.nanoTime() - t0;
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
      boolean attached = bridge.awaitLoaded(Duration.ofSeconds(30));
      long ready = System.nanoTime() - t0;
      if (!mode.equals("false") && !attached) {
        throw new IllegalStateException(bridge.status());
      }
      System.out.printf("STARTUP %.3f %.3f %.3f%n", wall / 1e6, cpu / 1e6, ready / 1e6);
    }
  }

  private static double median(List<double[]> values, int field) {
    List<Double> v = new ArrayList<>();
    for (double[] d : values) {
      v.add(d[field]);
    }
    Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }
}
