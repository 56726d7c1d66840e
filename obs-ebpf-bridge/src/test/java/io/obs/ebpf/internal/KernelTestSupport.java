// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Shared by the kernel tests: the skip rule, an obs with only the bridge, event collection,
 * bounded waits, child JVMs.
 */
public final class KernelTestSupport {
  private KernelTestSupport() {}

  /**
   * An obs with the bridge as its only module, nothing exported by the SDK's own exporters, no
   * endpoint server and no shutdown hook; {@code configYaml} names the service and sets {@code
   * ebpf.*}.
   */
  public static io.obs.Observability.Builder bridgeOnly(String configYaml) {
    return io.obs.Observability.builder()
        .setModules(List.of(new io.obs.ebpf.EbpfBridge()))
        .setRegisterGlobal(false)
        .setConfigYaml(configYaml)
        .set("traces.exporter", "none")
        .set("metrics.exporter", "none")
        .set("logs.exporter", "none")
        .set("shutdown.hook", "false")
        .set("server.enabled", "false");
  }

  /** Skips (with the exact reason printed) unless programs can be loaded here. */
  public static void assumeKernelAccess() {
    AvailabilityProbe.Availability a = AvailabilityProbe.probe();
    if (!a.isAvailable()) {
      System.out.println("[obs-ebpf] kernel test skipped: " + a.reason());
    }
    assumeTrue(a.isAvailable(), a.reason());
  }

  /** Collects every decoded event. */
  static final class Collector implements KernelEventListener {
    final Queue<SyscallEvent> syscalls = new ConcurrentLinkedQueue<>();
    final Queue<TcpEvent> tcp = new ConcurrentLinkedQueue<>();

    @Override
    public void onSyscall(SyscallEvent event) {
      syscalls.add(event);
    }

    @Override
    public void onTcp(TcpEvent event) {
      tcp.add(event);
    }
  }

  /** Polls {@code condition} every 20 ms for at most {@code timeout}. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  /** {@code n} distinct loopback ports with nothing listening (bound, then released). */
  static int[] closedPorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return ports;
  }

  /** Opens a file that must not exist (one failing openat); fails if it does. */
  static void openMissing(String path) throws IOException {
    try {
      Files.newInputStream(Path.of(path)).close();
    } catch (NoSuchFileException expected) {
      return;
    }
    throw new AssertionError(path + " exists");
  }

  /** Result of a child process. */
  record ChildResult(int exitCode, String output) {}

  /** Runs {@code mainClass} in a child JVM (with -Xcheck:jni), prefixed by {@code wrapper}. */
  static ChildResult runJava(List<String> wrapper, String classPath, Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    return runJava(wrapper, List.of(), classPath, mainClass, args);
  }

  /** Like {@link #runJava(List, String, Class, String...)} with extra JVM options. */
  static ChildResult runJava(
      List<String> wrapper,
      List<String> jvmOptions,
      String classPath,
      Class<?> mainClass,
      String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xcheck:jni");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("child JVM did not finish in 60 s: " + cmd);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new ChildResult(p.exitValue(), out);
  }
}
