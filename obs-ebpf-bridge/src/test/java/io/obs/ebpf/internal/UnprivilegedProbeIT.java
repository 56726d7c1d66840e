// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the probe and a session start in a child JVM as user nobody with every capability dropped
 * ({@code setpriv}): the JVM must keep running and name the missing privileges.
 */
@Timeout(120)
class UnprivilegedProbeIT {

  @Test
  void withoutPrivilegesTheReasonIsExactAndTheJvmStaysHealthy(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
    String status = Files.readString(Path.of("/proc/self/status"));
    assumeTrue(status.contains("\nUid:\t0\t"), "needs root to switch to user nobody");

    // nobody cannot read the build's directories under /root: copy the classes it needs.
    Path cp = Files.createDirectories(tmp.resolve("cp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path main = copyToDir(location(AvailabilityProbe.class), cp.resolve("main"));
    Path test = copyToDir(location(ProbeMain.class), cp.resolve("test"));
    openUp(cp);

    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of(
                "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"),
            main + ":" + test,
            ProbeMain.class);

    System.out.println("[obs-ebpf] unprivileged child said:\n" + r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("available=false")
        .contains("privileges: CapEff=0000000000000000 lacks CAP_BPF and CAP_PERFMON")
        .contains("healthy=true");
    if (r.output().contains("native=true")) {
      assertThat(r.output())
          .contains("tcp/obs_tcp_state: load failed:")
          .contains("Operation not permitted")
          .contains("anyAttached=false");
    }
  }

  @Test
  void applicationWithoutCapabilitiesStartsAndLogsTheReason() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
    assumeTrue(
        Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "needs root to drop capabilities");

    // Still uid 0 (so the build's files stay readable) but with no capabilities at all.
    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of("/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"),
            System.getProperty("java.class.path"),
            BridgeMain.class);

    System.out.println("[obs-ebpf] capability-less child said:\n" + r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("active=false")
        .contains("status=off: privileges: CapEff=0000000000000000 lacks CAP_BPF and CAP_PERFMON")
        .contains(
            "WARNING: obs-ebpf: kernel metrics are off: privileges: CapEff=0000000000000000")
        .contains("healthy=true");
    assertThat(r.output().lines().filter(l -> l.contains("obs-ebpf:")).count())
        .as("one WARN line")
        .isEqualTo(1);
  }

  @Test
  void withOnlyCapBpfAndCapPerfmonAsNobodyTheBridgeAttaches(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
    assumeTrue(
        Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
        "needs root to hand CAP_BPF and CAP_PERFMON to user nobody");
    KernelTestSupport.assumeKernelAccess();

    // nobody cannot read the build's directories under /root: copy the whole classpath.
    Path cp = Files.createDirectories(tmp.resolve("cp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    StringBuilder classPath = new StringBuilder();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(":")) {
      if (!entry.isEmpty() && Files.exists(Path.of(entry))) {
        Path copied = copyToDir(Path.of(entry), cp.resolve(Integer.toString(n++)));
        classPath.append(classPath.length() == 0 ? "" : ":").append(copied);
      }
    }
    openUp(cp);
    Path workDir = Files.createDirectories(tmp.resolve("work"));
    Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    // uid 65534 with exactly CAP_BPF and CAP_PERFMON (ambient, so they survive the exec of java)
    // and no CAP_SYS_ADMIN; every program is opted in, so every kind of program loads.
    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of(
                "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all,+bpf,+perfmon", "--ambient-caps=-all,+bpf,+perfmon",
                "--bounding-set=-all,+bpf,+perfmon"),
            List.of("-Djava.io.tmpdir=" + workDir),
            classPath.toString(),
            BridgeMain.class,
            "  poll_interval: 20ms\n  programs:\n    syscalls: true\n    tcp_rtt: true\n"
                + "    sched: true\n");

    System.out.println("[obs-ebpf] CAP_BPF+CAP_PERFMON child said:\n" + r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("active=true")
        .contains("status=on: 8 programs attached, scope process")
        .contains("cost to every other process on this host: ebpf.programs.syscalls (opted in,")
        .contains("healthy=true")
        .doesNotContain("WARNING");
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Copies a classes directory, or a jar into a directory, and returns the classpath entry. */
  private static Path copyToDir(Path source, Path target) throws IOException {
    if (Files.isRegularFile(source)) {
      Files.createDirectories(target);
      Path jar = target.resolve(source.getFileName());
      Files.copy(source, jar, StandardCopyOption.REPLACE_EXISTING);
      return jar;
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path dest = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  private static void openUp(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }
}
