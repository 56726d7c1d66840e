// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the bridge's host-wide hooks cost the other processes of the node, the figures of
 * docs/ebpf.md ("Cost to neighbours"). Not a test: run it by hand as root, on a machine as quiet
 * as you can get:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) \
 *     io.obs.ebpf.internal.NeighbourCost [rounds=5] [scale=1]
 * </pre>
 *
 * <p>This JVM plays an idle obs process: it loads one set of programs (process scope, as an
 * application has them) and then waits while a neighbour process, which obs does not trace, runs
 * one workload, pinned to one CPU: {@code dd bs=1} (two syscalls per byte), a context-switch
 * ping-pong, a loopback TCP ping-pong (segments) and loopback connection churn ({@link
 * NeighbourLoad}).
 * Every round runs every variant, starting at a different one each round, so drift in the
 * machine's load spreads over all variants; each figure is the median over rounds, and the ratio
 * is the median of the per-round ratios to "off" of the same round.
 *
 * <p>With {@code stats} as the third argument it then runs each workload once with every program
 * attached and {@code kernel.bpf_stats_enabled=1}, and prints each program's own run time per
 * invocation and invocations per workload event.
 */
public final class NeighbourCost {
  private NeighbourCost() {}

  /** A set of programs loaded by the idle obs process. */
  record Variant(String name, EbpfSettings settings) {}

  /** A neighbour workload: what it runs and what its events are. */
  record Workload(String name, String event, List<String> command, boolean timedByChild) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1;
    boolean stats = args.length > 2 && args[2].equals("stats");

    EbpfSettings none = EbpfSettings.defaults().withPrograms(false, false, false, false);
    List<Variant> variants =
        List.of(
            new Variant("off", none),
            new Variant("syscalls", none.withPrograms(true, false, false, false)),
            new Variant("tcp", none.withPrograms(false, true, false, false)),
            new Variant("tcp+tcp_rtt", none.withPrograms(false, true, true, false)),
            new Variant("sched", none.withPrograms(false, false, false, true)),
            new Variant("0.1.0 defaults", none.withPrograms(true, true, true, false)));
    List<Workload> workloads = workloads(scale);

    System.out.println("start: " + uptime());
    // results[variant][workload][round] = nanos; events per workload (from the last run)
    long[][][] nanos = new long[variants.size()][workloads.size()][rounds];
    long[] events = new long[workloads.size()];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < variants.size(); k++) {
        int v = (r + k) % variants.size();
        Variant variant = variants.get(v);
        try (KernelSession session = start(variant)) {
          Thread.sleep(300);
          for (int w = 0; w < workloads.size(); w++) {
            long[] result = run(workloads.get(w));
            nanos[v][w][r] = result[0];
            events[w] = result[1];
          }
        }
      }
      System.out.println("round " + (r + 1) + " of " + rounds + " done: " + uptime());
    }
    report(variants, workloads, nanos, events);
    if (stats) {
      programCosts(workloads);
    }
  }

  /**
   * Every neighbour runs pinned to CPU 1: its threads then hand over on one CPU instead of waking
   * an idle one, which on a 2-CPU machine swings a loopback ping-pong's speed threefold between
   * runs and would drown the differences measured here.
   */
  static List<Workload> workloads(double scale) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    long bytes = Math.round(1_500_000 * scale);
    List<String> pin = List.of("taskset", "-c", "1");
    List<String> jvm = List.of(java, "-XX:+UseSerialGC", "-cp", cp, NeighbourLoad.class.getName());
    return List.of(
        new Workload(
            "syscalls (dd bs=1)",
            "syscall",
            concat(
                pin,
                List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + bytes, "status=none")),
            false),
        new Workload(
            "context switches (thread ping-pong)",
            "context switch",
            concat(pin, jvm, List.of("switches", String.valueOf(Math.round(200_000 * scale)))),
            true),
        new Workload(
            "TCP segments (loopback ping-pong)",
            "segment received",
            concat(pin, jvm, List.of("segments", String.valueOf(Math.round(100_000 * scale)))),
            true),
        new Workload(
            "TCP connections (loopback churn)",
            "connection",
            concat(pin, jvm, List.of("connections", String.valueOf(Math.round(10_000 * scale)))),
            true));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) {
      out.addAll(p);
    }
    return out;
  }

  private static KernelSession start(Variant v) {
    KernelSession s = KernelSession.start(v.settings(), KernelEventListener.NONE);
    for (ProgramStatus p : s.programs()) {
      if (p.state() != ProgramStatus.State.DISABLED && !p.up()) {
        throw new IllegalStateException(v.name() + ": " + p.describe());
      }
    }
    return s;
  }

  /** {nanos, events}; dd is timed from here (its start-up is a millisecond), 2 syscalls a byte. */
  private static long[] run(Workload w) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(w.command()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(w.name() + " failed: " + out);
    }
    long wall = System.nanoTime() - t0;
    if (!w.timedByChild()) {
      String count = w.command().stream().filter(a -> a.startsWith("count=")).findFirst().orElseThrow();
      return new long[] {wall, 2 * Long.parseLong(count.substring(6))};
    }
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && (line.startsWith("nanos=") || line.startsWith("events="))) {
        values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
      }
    }
    return new long[] {values.get("nanos"), values.get("events")};
  }

  private static void report(
      List<Variant> variants, List<Workload> workloads, long[][][] nanos, long[] events) {
    int rounds = nanos[0][0].length;
    System.out.println();
    System.out.println(
        "| Programs loaded by an idle obs | Neighbour | median time | ratio to off (median of"
            + " same-round ratios) | added per event |");
    System.out.println("|---|---|---|---|---|");
    for (int w = 0; w < workloads.size(); w++) {
      long offMedian = median(nanos[0][w]);
      for (int v = 0; v < variants.size(); v++) {
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = (double) nanos[v][w][r] / nanos[0][w][r];
        }
        long med = median(nanos[v][w]);
        System.out.printf(
            "| %s | %s | %.3f s | %.3f (%s) | %s |%n",
            variants.get(v).name(),
            workloads.get(w).name(),
            med / 1e9,
            median(ratios),
            range(ratios),
            v == 0
                ? events[w] + " events (" + workloads.get(w).event() + ")"
                : String.format("%+.0f ns per %s", (double) (med - offMedian) / events[w],
                    workloads.get(w).event()));
      }
    }
    System.out.println("end: " + uptime());
  }

  /** Each program's own run time per invocation and invocations per event, per workload. */
  private static void programCosts(List<Workload> workloads) throws Exception {
    Path sysctl = Path.of("/proc/sys/kernel/bpf_stats_enabled");
    String old = Files.readString(sysctl).trim();
    Files.writeString(sysctl, "1");
    try (KernelSession s =
        KernelSession.start(
            EbpfSettings.defaults().withPrograms(true, true, true, true),
            KernelEventListener.NONE)) {
      System.out.println();
      System.out.println("| Neighbour | program | ns per run | runs per event |");
      System.out.println("|---|---|---|---|");
      for (Workload w : workloads) {
        Map<String, long[]> before = s.programStats();
        long[] result = run(w);
        Map<String, long[]> after = s.programStats();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
          long[] b = before.get(e.getKey());
          long time = e.getValue()[0] - b[0];
          long runs = e.getValue()[1] - b[1];
          System.out.printf(
              "| %s | %s | %s | %.2f |%n",
              w.name(),
              e.getKey(),
              runs == 0 ? "-" : String.format("%.0f", (double) time / runs),
              (double) runs / result[1]);
        }
      }
    } finally {
      Files.writeString(sysctl, old);
    }
  }

  private static long median(long[] values) {
    long[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String range(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return String.format("%.3f to %.3f", s[0], s[s.length - 1]);
  }

  private static String uptime() {
    try {
      String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return "load average " + load[0] + ", " + load[1] + ", " + load[2];
    } catch (IOException e) {
      return "load average unknown";
    }
  }
}
