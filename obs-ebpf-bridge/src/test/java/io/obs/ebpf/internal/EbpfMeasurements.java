// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import com.sun.net.httpserver.HttpServer;
import io.obs.Observability;
import io.obs.ebpf.EbpfBridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The speed figures quoted in docs/ebpf.md, as ratios within one run. Not a test: run it by hand
 * as root on an idle machine (see docs/ebpf.md, "Overhead").
 *
 * <ol>
 *   <li>decode: events per second the Java side decodes from a canned batch, one thread;
 *   <li>drain: events per second moved from a real, full ring buffer into Java and decoded;
 *   <li>kernel: run time per program invocation (enables kernel.bpf_stats_enabled while running);
 *   <li>http: requests per second of a loopback HTTP service with the bridge on versus off.
 * </ol>
 */
public final class EbpfMeasurements {
  private EbpfMeasurements() {}

  public static void main(String[] args) throws Exception {
    decode();
    drain();
    kernelCost();
    http(args.length > 0 ? Integer.parseInt(args[0]) : 5);
  }

  private static final class Counting implements KernelEventListener {
    long n;
    long checksum;

    @Override
    public void onSyscall(SyscallEvent e) {
      n++;
      checksum += e.durationNanos() + (e.path() == null ? 0 : e.path().length());
    }

    @Override
    public void onTcp(TcpEvent e) {
      n++;
      checksum += e.bytesSent();
    }
  }

  static void decode() {
    List<ByteBuffer> records = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      records.add(
          i % 4 == 3
              ? CannedRecords.tcp(EventHeader.KIND_TCP_CLOSE, 1, 0, 1, 7, 1000, 2000)
              : CannedRecords.syscall(1, 2, 257, -2, 1000 + i, 1, "/var/lib/app/data-" + i + ".bin"));
    }
    ByteBuffer batch = CannedRecords.batch(records.toArray(new ByteBuffer[0]));
    Counting c = new Counting();
    EventDispatcher d = new EventDispatcher(c);
    for (int i = 0; i < 3000; i++) {
      d.dispatch(batch, batch.capacity()); // warm-up
    }
    long before = c.n;
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 3_000_000_000L) {
      d.dispatch(batch, batch.capacity());
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "decode: %.2f M events/s on one thread (%d B batch of 700 records: 3/4 openat with path,"
            + " 1/4 tcp close; checksum %d)%n",
        (c.n - before) / secs / 1e6, batch.capacity(), c.checksum & 0xff);
  }

  /** Fills a 16 MiB ring with failing openat events while nobody drains, then drains it. */
  static void drain() throws Exception {
    byte[] elf = Feature.SYSCALLS.readObject();
    try (BpfObject obj = BpfObject.open(elf, "syscalls")) {
      obj.setRodataU32("target_tgid", (int) ProcessHandle.current().pid());
      EbpfSettings s = EbpfSettings.defaults();
      obj.setRodataU64Array("syscall_mask", s.syscallMask());
      obj.setRodataU64Array("event_mask", s.syscallMask());
      obj.setMaxEntries(Feature.RING, 16 * 1024 * 1024);
      obj.load();
      obj.attach("obs_sys_enter");
      obj.attach("obs_sys_exit");
      obj.openRing(Feature.RING);
      ByteBuffer batch = ByteBuffer.allocateDirect(RingBufferPoller.BATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      Counting c = new Counting();
      EventDispatcher d = new EventDispatcher(c);
      for (int round = 0; round < 3; round++) {
        String missing = "/nonexistent-obs-measure/x";
        int generated = 40_000; // 40k * 368 B < 16 MiB: nothing is dropped
        for (int i = 0; i < generated; i++) {
          KernelTestSupport.openMissing(missing);
        }
        long pending = obj.ringPending();
        long before = c.n;
        long batches = 0;
        long t0 = System.nanoTime();
        int n;
        while ((n = obj.drain(batch)) > 0) {
          d.dispatch(batch, n);
          batches++;
        }
        long nanos = System.nanoTime() - t0;
        System.out.printf(
            "drain: %d events (%d KiB pending) in %d batches, %.2f ms: %.2f M events/s drained"
                + " and decoded on one thread%n",
            c.n - before, pending / 1024, batches, nanos / 1e6, (c.n - before) / (nanos / 1e9) / 1e6);
      }
    }
  }

  static void kernelCost() throws Exception {
    Path sysctl = Path.of("/proc/sys/kernel/bpf_stats_enabled");
    String old = Files.readString(sysctl).trim();
    Files.writeString(sysctl, "1");
    try (KernelSession s =
        KernelSession.start(
            EbpfSettings.defaults().withPrograms(true, true, true), KernelEventListener.NONE)) {
      Map<String, long[]> s0 = s.programStats();
      for (int i = 0; i < 200_000; i++) {
        Thread.yield(); // sched_yield: an untraced syscall, the path every other syscall takes
      }
      Map<String, long[]> s1 = s.programStats();
      for (int i = 0; i < 20_000; i++) {
        KernelTestSupport.openMissing("/nonexistent-obs-measure/y");
      }
      Map<String, long[]> s2 = s.programStats();
      echo(2000, 1000);
      Map<String, long[]> s3 = s.programStats();
      report("untraced syscalls (sched_yield loop)", s0, s1, "obs_sys_enter", "obs_sys_exit");
      report("failing openat loop", s1, s2, "obs_sys_enter", "obs_sys_exit");
      report(
          "loopback echo, 2000 round trips",
          s2,
          s3,
          "obs_tcp_state",
          "obs_tcp_probe",
          "obs_sched_switch",
          "obs_sched_wakeup");
    } finally {
      Files.writeString(sysctl, old);
    }
  }

  private static void report(
      String window, Map<String, long[]> before, Map<String, long[]> after, String... programs) {
    for (String p : programs) {
      long runs = after.get(p)[1] - before.get(p)[1];
      long nanos = after.get(p)[0] - before.get(p)[0];
      System.out.printf(
          "kernel: %-38s %-17s %9d runs, %6.1f ns per run%n",
          window, p, runs, runs == 0 ? 0.0 : (double) nanos / runs);
    }
  }

  private static void echo(int rounds, int size) throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 50, lo)) {
      Thread t =
          new Thread(
              () -> {
                try (Socket c = server.accept()) {
                  c.getInputStream().transferTo(c.getOutputStream());
                } catch (IOException e) {
                  // measured client side
                }
              });
      t.start();
      try (Socket s = new Socket(lo, server.getLocalPort())) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] msg = new byte[size];
        for (int i = 0; i < rounds; i++) {
          out.write(msg);
          in.readNBytes(size);
        }
      }
      t.join();
    }
  }

  /** Alternates bridge off/on rounds of {@code seconds} each against one loopback server. */
  static void http(int seconds) throws Exception {
    // Without it the JDK server's separate header and body writes meet the client's delayed
    // ACK and every request waits 40 ms, which would measure the timer, not the bridge.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    byte[] body = "ok\n".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    server.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 5; i++) {
      run(client, uri, seconds); // warm-up: JIT of client and server, with and without
      withBridge(() -> run(client, uri, 1));
    }
    // Short off/on pairs, alternating which goes first, so background load drifts cancel out.
    // Throughput on a shared machine swings with other tenants; CPU time per request, which
    // includes the BPF programs run in this process's syscalls, is the steadier figure.
    List<Double> ratios = new ArrayList<>();
    double[] totals = new double[4]; // requests off, cpu off, requests on, cpu on
    for (int pair = 0; pair < 10; pair++) {
      double[] off;
      double[] on;
      if (pair % 2 == 0) {
        off = run(client, uri, seconds);
        on = withBridge(() -> run(client, uri, seconds));
      } else {
        on = withBridge(() -> run(client, uri, seconds));
        off = run(client, uri, seconds);
      }
      totals[0] += off[0];
      totals[1] += off[1];
      totals[2] += on[0];
      totals[3] += on[1];
      ratios.add(on[0] / off[0]);
      System.out.printf(
          "http: pair %d: off %.0f req/s %.1f us CPU/req, on %.0f req/s %.1f us CPU/req%n",
          pair, off[0] / seconds, off[1] / off[0] / 1e3, on[0] / seconds, on[1] / on[0] / 1e3);
    }
    Collections.sort(ratios);
    double cpuOff = totals[1] / totals[0];
    double cpuOn = totals[3] / totals[2];
    System.out.printf(
        "http: throughput on/off median %.3f, total %.3f; CPU per request off %.1f us, on %.1f us:"
            + " on/off capacity %.3f (%d s windows, 4 keep-alive clients)%n",
        (ratios.get(4) + ratios.get(5)) / 2, totals[2] / totals[0], cpuOff / 1e3, cpuOn / 1e3,
        cpuOff / cpuOn, seconds);
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private interface Measured {
    double[] run() throws Exception;
  }

  private static double[] withBridge(Measured m) throws Exception {
    try (Observability obs =
        KernelTestSupport.bridgeOnly("service:\n  name: measure\n")
            .build()) {
      EbpfBridge bridge = obs.component(EbpfBridge.class).orElseThrow();
      if (!bridge.awaitLoaded(java.time.Duration.ofSeconds(30))) {
        throw new IllegalStateException(bridge.status());
      }
      return m.run();
    }
  }

  /** Returns {requests, process CPU nanoseconds} of a {@code seconds} long load. */
  private static double[] run(HttpClient client, URI uri, int seconds) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    AtomicLong done = new AtomicLong();
    long cpu0 = os.getProcessCpuTime();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(
              () -> {
                HttpRequest req = HttpRequest.newBuilder(uri).build();
                while (System.nanoTime() < end) {
                  try {
                    client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    done.incrementAndGet();
                  } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new double[] {done.get(), os.getProcessCpuTime() - cpu0};
  }
}
