// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static io.obs.ebpf.internal.KernelTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.obs.ebpf.internal.KernelTestSupport.Collector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loads the real programs into the running kernel. Skipped, with the reason printed, where the
 * JVM cannot (not Linux, no BTF, no CAP_BPF/CAP_PERFMON, native library not built). Loopback
 * only; every wait is bounded.
 */
@Timeout(120)
class KernelSessionIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @BeforeAll
  static void requireKernelAccess() {
    KernelTestSupport.assumeKernelAccess();
  }

  private static EbpfSettings settings(EbpfSettings.Scope scope) {
    return EbpfSettings.defaults()
        .withScope(scope)
        .withPrograms(true, true, true)
        .withPollInterval(Duration.ofMillis(20));
  }

  @Test
  void arm64TcpObjectPassesTheVerifierOfThisKernel() throws Exception {
    // It differs from the x86 build only in how it reads the context table (fully ordered
    // fetching atomics on the mmapped map) and CO-RE relocates it here like any kernel: loading
    // it checks that the verifier accepts those reads.
    byte[] elf = Feature.readResource(Feature.TCP.resource("linux-aarch64"));
    try (BpfObject obj = BpfObject.open(elf, Feature.TCP.objectName())) {
      obj.setRodataU32("target_tgid", (int) ProcessHandle.current().pid());
      obj.load();
      assertThat(obj.programId("obs_tcp_state")).isPositive();
    }
  }

  @Test
  void ownOpenatConnectAndTcpLifecycleAreReportedWithErrno() throws Exception {
    Collector events = new Collector();
    String missing = "/nonexistent-obs-it/" + UUID.randomUUID();
    int refusedPort = KernelTestSupport.closedPorts(1)[0];
    try (KernelSession session = KernelSession.start(settings(EbpfSettings.Scope.PROCESS), events)) {
      assertThat(session.programs())
          .allSatisfy(p -> assertThat(p.up()).as(p.describe()).isTrue());

      KernelTestSupport.openMissing(missing);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, refusedPort));
        throw new AssertionError("port " + refusedPort + " accepted");
      } catch (ConnectException expected) {
        // the syscall under test
      }
      int echoPort = echoRoundTrips(50, 1000);

      assertThat(await(WAIT, () -> find(events, missing) != null))
          .as("openat event for %s", missing)
          .isTrue();
      SyscallEvent openat = find(events, missing);
      assertThat(openat.name()).isEqualTo("openat");
      assertThat(openat.errno()).isEqualTo(Errno.ENOENT);
      assertThat(openat.ret()).isEqualTo(-Errno.ENOENT);
      assertThat(openat.header().tgid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(openat.durationNanos()).isPositive().isLessThan(Duration.ofSeconds(5).toNanos());

      assertThat(await(WAIT, () -> connectSyscall(events, refusedPort) != null))
          .as("connect event to port %d", refusedPort)
          .isTrue();
      SyscallEvent connect = connectSyscall(events, refusedPort);
      assertThat(connect.errno()).isEqualTo(Errno.ECONNREFUSED);
      assertThat(connect.address().inetAddress()).isEqualTo(LOOPBACK);

      assertThat(await(WAIT, () -> tcpEvent(events, EventHeader.KIND_TCP_CONNECT, refusedPort) != null))
          .as("tcp connect event to port %d", refusedPort)
          .isTrue();
      assertThat(tcpEvent(events, EventHeader.KIND_TCP_CONNECT, refusedPort).errno())
          .isEqualTo(Errno.ECONNREFUSED);

      assertThat(await(WAIT, () -> tcpEvent(events, EventHeader.KIND_TCP_CLOSE, echoPort) != null))
          .as("tcp close event of the echo connection to port %d", echoPort)
          .isTrue();
      TcpEvent ok = tcpEvent(events, EventHeader.KIND_TCP_CONNECT, echoPort);
      assertThat(ok).isNotNull();
      assertThat(ok.errno()).isZero();
      assertThat(ok.durationNanos()).isPositive();
      TcpEvent close = tcpEvent(events, EventHeader.KIND_TCP_CLOSE, echoPort);
      assertThat(close.bytesSent()).isBetween(50_000L, 50_002L);
      assertThat(close.bytesReceived()).isBetween(50_000L, 50_002L);
      assertThat(close.srttMicros()).isPositive();
      assertThat(close.local().port()).isPositive();
      assertThat(events.tcp)
          .as("the accepted side of the echo connection is ours too")
          .anyMatch(e -> e.header().kind() == EventHeader.KIND_TCP_ACCEPT && e.local().port() == echoPort);

      Map<SyscallKey, Log2Histogram> syscalls = session.syscallHistograms();
      assertThat(syscalls.get(new SyscallKey(257, Errno.ENOENT))).isNotNull();
      assertThat(syscalls.get(new SyscallKey(257, Errno.ENOENT)).count()).isPositive();
      assertThat(syscalls.get(new SyscallKey(42, Errno.ECONNREFUSED)).count()).isPositive();
      assertThat(syscalls.get(new SyscallKey(42, 0)).count()).isPositive();

      Map<PeerKey, Log2Histogram> connects = session.connectHistograms();
      assertThat(connects)
          .anySatisfy((k, h) -> {
            assertThat(k.peer().port()).isEqualTo(refusedPort);
            assertThat(k.result()).isEqualTo(Errno.ECONNREFUSED);
            assertThat(h.count()).isEqualTo(1);
          })
          .anySatisfy((k, h) -> {
            assertThat(k.peer().port()).isEqualTo(echoPort);
            assertThat(k.result()).isZero();
            assertThat(h.count()).isEqualTo(1);
          });
      assertThat(session.rttHistogram().count()).as("RTT samples of our sockets").isPositive();

      long[] counters = session.counters();
      assertThat(counters[KernelSession.CNT_TCP_BYTES_SENT]).isGreaterThanOrEqualTo(100_000L);
      assertThat(counters[KernelSession.CNT_RB_DROPS]).isZero();
      assertThat(session.dispatcher().malformed()).isZero();
    }
  }

  @Test
  void childProcessIsReportedInHostScopeOnly() throws Exception {
    Collector process = new Collector();
    Collector host = new Collector();
    String ownMissing = "/nonexistent-obs-it/parent-" + UUID.randomUUID();
    String childMissing = "/nonexistent-obs-it/child-" + UUID.randomUUID();
    int[] ports = KernelTestSupport.closedPorts(2);
    int ownPort = ports[0];
    int childPort = ports[1];
    EbpfSettings hostSettings =
        new EbpfSettings(
            EbpfSettings.Scope.HOST, true, true, true, false, EbpfSettings.DEFAULT_SYSCALLS,
            Duration.ofSeconds(10), 4 * 1024 * 1024, Duration.ofMillis(20));
    try (KernelSession own = KernelSession.start(settings(EbpfSettings.Scope.PROCESS), process);
        KernelSession all = KernelSession.start(hostSettings, host)) {
      assertThat(all.targetTgid()).isZero();
      assertThat(own.targetTgid()).isEqualTo(ProcessHandle.current().pid());

      KernelTestSupport.ChildResult child =
          KernelTestSupport.runJava(
              List.of(), System.getProperty("java.class.path"), ChildWorkload.class,
              childMissing, String.valueOf(childPort));
      assertThat(child.exitCode()).as(child.output()).isZero();
      KernelTestSupport.openMissing(ownMissing);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, ownPort));
      } catch (ConnectException expected) {
        // the parent's own refused connect
      }

      assertThat(await(WAIT, () -> find(host, childMissing) != null))
          .as("host scope sees the child's openat")
          .isTrue();
      assertThat(find(host, childMissing).header().tgid())
          .isNotEqualTo(ProcessHandle.current().pid());
      assertThat(await(WAIT, () -> tcpEvent(host, EventHeader.KIND_TCP_CONNECT, childPort) != null))
          .as("host scope sees the child's refused connect")
          .isTrue();

      assertThat(await(WAIT, () -> find(process, ownMissing) != null
              && tcpEvent(process, EventHeader.KIND_TCP_CONNECT, ownPort) != null))
          .as("process scope sees the parent's own work")
          .isTrue();
      assertThat(find(process, childMissing)).as("child openat in process scope").isNull();
      assertThat(connectSyscall(process, childPort)).as("child connect in process scope").isNull();
      assertThat(tcpEvent(process, EventHeader.KIND_TCP_CONNECT, childPort))
          .as("child TCP connect in process scope")
          .isNull();
      assertThat(process.syscalls)
          .allSatisfy(e -> assertThat(e.header().tgid()).isEqualTo(ProcessHandle.current().pid()));
      assertThat(process.tcp)
          .allSatisfy(e -> assertThat(e.header().tgid()).isEqualTo(ProcessHandle.current().pid()));
    }
  }

  @Test
  void closeUnloadsEveryProgramAndASecondSessionWorks() throws Exception {
    List<Integer> ids = new ArrayList<>();
    try (KernelSession first = KernelSession.start(settings(EbpfSettings.Scope.PROCESS), KernelEventListener.NONE)) {
      for (ProgramStatus p : first.programs()) {
        assertThat(p.up()).as(p.describe()).isTrue();
        ids.add(p.kernelId());
      }
    }
    assertThat(ids).hasSize(8).doesNotContain(0);
    // The kernel frees programs after an RCU grace period, so their ids go away shortly after
    // the last fd is closed, not at once.
    assertThat(await(WAIT, () -> ids.stream().noneMatch(KernelSessionIT::exists)))
        .as("program ids %s gone after close", ids)
        .isTrue();
    assertThat(bpftoolListsAny(ids)).as("bpftool prog list after close").isFalse();

    Collector events = new Collector();
    String missing = "/nonexistent-obs-it/again-" + UUID.randomUUID();
    try (KernelSession second = KernelSession.start(settings(EbpfSettings.Scope.PROCESS), events)) {
      assertThat(second.programs()).allMatch(ProgramStatus::up);
      KernelTestSupport.openMissing(missing);
      assertThat(await(WAIT, () -> find(events, missing) != null)).isTrue();
    }
  }

  @Test
  void schedAccountsOffCpuTimePerThread() throws Exception {
    try (KernelSession session =
        KernelSession.start(
            settings(EbpfSettings.Scope.PROCESS).withPrograms(false, false, true),
            KernelEventListener.NONE)) {
      assertThat(session.programs().stream().filter(p -> p.object().equals("sched")))
          .allMatch(ProgramStatus::up);
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();

      // A measurement on a shared VM can be spoiled by the machine (a slot taken over by another
      // thread of the JVM, the hypervisor stopping the vCPU): up to three attempts, each one
      // printed when it fails; accounting that is wrong fails all three.
      List<String> failures = new java.util.ArrayList<>();
      for (int attempt = 1; attempt <= 3; attempt++) {
        String failure = offCpuAccountingProblem(session, mx);
        if (failure == null) {
          return;
        }
        System.out.println("[obs-ebpf] off-CPU attempt " + attempt + ": " + failure);
        failures.add(failure);
      }
      throw new AssertionError("off-CPU accounting was wrong in every attempt: " + failures);
    }
  }

  /** One measurement of a sleeping and a spinning thread; null when the figures add up. */
  private static String offCpuAccountingProblem(KernelSession session, ThreadMXBean mx)
      throws Exception {
    long steal0 = stolenNanos();
    long takeovers0 = session.counters()[KernelSession.CNT_SLOT_TAKEOVER];
    long[] sleeping = measure(session, mx, () -> sleep(60));
    long[] busy = measure(session, mx, () -> spin(60));
    // On a virtual machine the hypervisor may stop the whole vCPU: wall time passes that the
    // guest's scheduler sees neither as the thread running nor as a switch. The kernel reports it
    // as steal time (in 10 ms ticks, summed over CPUs, so an upper bound for one thread).
    long stolen = stolenNanos() - steal0;
    long takeovers = session.counters()[KernelSession.CNT_SLOT_TAKEOVER] - takeovers0;

    // {wall, cpu, offCpu, runq}
    if (sleeping[2] < 50_000_000L) {
      return "off-CPU of a thread sleeping 60 ms was " + sleeping[2] + " ns (slot takeovers "
          + takeovers + ")";
    }
    for (long[] m : List.of(sleeping, busy)) {
      if (Math.abs(m[0] - (m[1] + m[2])) >= 10_000_000L + stolen) {
        return String.format("wall %d ns != on-CPU %d ns + off-CPU %d ns (steal %d ns)",
            m[0], m[1], m[2], stolen);
      }
      if (m[3] > m[2]) {
        return "run-queue wait " + m[3] + " ns exceeds off-CPU time " + m[2] + " ns";
      }
    }
    return null;
  }

  @Test
  void kernelIdsAreTheIdsTheProgramsReport() throws Exception {
    Collector events = new Collector();
    String missing = "/nonexistent-obs-it/ids-" + UUID.randomUUID();
    try (KernelSession session = KernelSession.start(settings(EbpfSettings.Scope.PROCESS), events)) {
      int tid = session.kernelTid();
      KernelTestSupport.openMissing(missing);
      assertThat(await(WAIT, () -> find(events, missing) != null)).isTrue();
      EventHeader h = find(events, missing).header();
      assertThat(h.tgid()).isEqualTo(session.targetTgid());
      assertThat(h.tid()).isEqualTo(tid);

      int[] other = new int[1];
      Thread t =
          new Thread(
              () -> {
                try {
                  other[0] = session.kernelTid();
                } catch (BpfException e) {
                  throw new IllegalStateException(e);
                }
              });
      t.start();
      t.join(10_000);
      assertThat(other[0]).isPositive().isNotEqualTo(tid);
    }
  }

  @Test
  void processScopeWorksInsideAPidNamespace() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare (util-linux) not installed");
    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of("/usr/bin/unshare", "--pid", "--fork", "--mount-proc"),
            System.getProperty("java.class.path"),
            PidNamespaceMain.class);

    System.out.println("[obs-ebpf] child in a new PID namespace said:\n" + r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("getpid=1").contains("own openat seen=true");
  }

  /** Runs {@code work} in a new thread; returns {wall, cpu, offCpu, runq} nanoseconds. */
  /** Steal time of all CPUs from /proc/stat, in nanoseconds (USER_HZ is 100 on Linux). */
  private static long stolenNanos() throws java.io.IOException {
    String cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
    String[] fields = cpu.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal
    return fields.length > 8 ? Long.parseLong(fields[8]) * 10_000_000L : 0;
  }

  private static long[] measure(KernelSession session, ThreadMXBean mx, Runnable work)
      throws InterruptedException {
    AtomicReference<long[]> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                int tid = session.kernelTid();
                Thread.yield();
                ThreadStats before = session.threadStats(tid);
                long cpu0 = mx.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                work.run();
                long wall1 = System.nanoTime();
                long cpu1 = mx.getCurrentThreadCpuTime();
                ThreadStats after = session.threadStats(tid);
                assertThat(before).as("slot of tid %d", tid).isNotNull();
                assertThat(after).as("slot of tid %d", tid).isNotNull();
                result.set(
                    new long[] {
                      wall1 - wall0,
                      cpu1 - cpu0,
                      after.offCpuNanos() - before.offCpuNanos(),
                      after.runQueueNanos() - before.runQueueNanos()
                    });
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    t.start();
    t.join(10_000);
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertThat(result.get()).isNotNull();
    return result.get();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void spin(long ms) {
    long end = System.nanoTime() + ms * 1_000_000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x += System.identityHashCode(new Object()) & 1;
    }
    if (x < 0) {
      throw new IllegalStateException();
    }
  }

  /** Echoes {@code rounds} messages of {@code size} bytes over loopback; returns the port. */
  private static int echoRoundTrips(int rounds, int size) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      Thread echo =
          new Thread(
              () -> {
                try (Socket c = server.accept()) {
                  c.getInputStream().transferTo(c.getOutputStream());
                } catch (IOException e) {
                  // the client saw it; nothing to add
                }
              });
      echo.start();
      try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] msg = new byte[size];
        for (int i = 0; i < rounds; i++) {
          out.write(msg);
          assertThat(in.readNBytes(size)).hasSize(size);
        }
      }
      echo.join(10_000);
      return server.getLocalPort();
    }
  }

  private static boolean exists(int id) {
    try {
      return BpfObject.programExists(id);
    } catch (BpfException e) {
      throw new AssertionError(e);
    }
  }

  private static SyscallEvent find(Collector c, String path) {
    return c.syscalls.stream().filter(e -> path.equals(e.path())).findFirst().orElse(null);
  }

  private static SyscallEvent connectSyscall(Collector c, int port) {
    return c.syscalls.stream()
        .filter(e -> e.nr() == 42 && e.address() != null && e.address().port() == port)
        .findFirst()
        .orElse(null);
  }

  private static TcpEvent tcpEvent(Collector c, int kind, int peerPort) {
    return c.tcp.stream()
        .filter(e -> e.header().kind() == kind && e.peer().port() == peerPort)
        .findFirst()
        .orElse(null);
  }

  /** Whether `bpftool prog list` still shows one of the ids; false when bpftool is absent. */
  private static boolean bpftoolListsAny(List<Integer> ids) throws Exception {
    ProcessBuilder pb;
    try {
      pb = new ProcessBuilder("bpftool", "prog", "list").redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor();
      for (int id : ids) {
        if (out.lines().anyMatch(l -> l.startsWith(id + ":"))) {
          return true;
        }
      }
      return false;
    } catch (IOException noBpftool) {
      System.out.println("[obs-ebpf] bpftool not found; checked program ids through bpf(2) only");
      return false;
    }
  }
}
