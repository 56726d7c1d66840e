// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the library loader behaves where users meet it: a {@code noexec} temporary directory, the
 * work-directory override, and another build of the library on {@code java.library.path}. Each
 * case runs in a child JVM, because a JVM loads the library once.
 */
@Timeout(120)
class NativeLibraryIT {

  @Test
  void noexecTemporaryDirectoryNamesTheFixAndTheOverrideLoads(@TempDir Path tmp) throws Exception {
    assumeTrue(NativeLibrary.supported(NativeLibrary.platform()), "no library for this platform");
    assumeTrue(isRoot(), "needs root to mount a noexec tmpfs");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/mount")), "mount (util-linux) not installed");
    Path noexec = Files.createDirectories(tmp.resolve("noexec"));
    Path exec = Files.createDirectories(tmp.resolve("exec"));
    run("mount", "-t", "tmpfs", "-o", "noexec,size=8m", "tmpfs", noexec.toString());
    try {
      KernelTestSupport.ChildResult plain =
          KernelTestSupport.runJava(
              List.of(),
              List.of("-Djava.io.tmpdir=" + noexec),
              System.getProperty("java.class.path"),
              NativeLoadMain.class,
              "-",
              noexec.toString());
      KernelTestSupport.ChildResult overridden =
          KernelTestSupport.runJava(
              List.of(),
              List.of("-Djava.io.tmpdir=" + noexec),
              System.getProperty("java.class.path"),
              NativeLoadMain.class,
              exec.toString(),
              noexec.toString(),
              exec.toString());

      assertThat(plain.output())
          .as(plain.output())
          .contains("available=false")
          .contains(noexec + " is on a filesystem mounted noexec: set ebpf.native.workdir")
          .contains("left in " + noexec + "=[]");
      assertThat(overridden.output())
          .as(overridden.output())
          .contains("available=true")
          .contains("left in " + noexec + "=[]")
          .contains("left in " + exec + "=[]");
    } finally {
      run("umount", noexec.toString());
    }
  }

  @Test
  void unwritableWorkDirectoryIsNamedWithTheFix(@TempDir Path tmp) throws Exception {
    assumeTrue(NativeLibrary.supported(NativeLibrary.platform()), "no library for this platform");
    Path notADirectory = Files.writeString(tmp.resolve("file"), "x");

    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of(),
            List.of(),
            System.getProperty("java.class.path"),
            NativeLoadMain.class,
            notADirectory.resolve("sub").toString());

    assertThat(r.output())
        .as(r.output())
        .contains("available=false")
        .contains("cannot extract libobs_ebpf.so into " + notADirectory.resolve("sub"))
        .contains("set ebpf.native.workdir");
  }

  @Test
  void anotherLibraryOnTheLibraryPathIsNamedWithTheFix(@TempDir Path tmp) throws Exception {
    assumeTrue(NativeLibrary.supported(NativeLibrary.platform()), "no library for this platform");
    // Any loadable shared object without obs's entry points stands in for an older build.
    Path other = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
    assumeTrue(Files.isRegularFile(other), "no " + other + " to stand in for another build");
    Path dir = Files.createDirectories(tmp.resolve("lib"));
    Files.copy(other, dir.resolve("libobs_ebpf.so"));

    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of(),
            List.of("-Djava.library.path=" + dir),
            System.getProperty("java.class.path"),
            NativeLoadMain.class,
            "-");

    assertThat(r.output())
        .as(r.output())
        .contains("available=false")
        .contains(
            "libobs_ebpf.so from java.library.path ("
                + dir.resolve("libobs_ebpf.so")
                + ") is a different version (interface unknown, this obs-ebpf-bridge needs "
                + NativeBpf.INTERFACE_VERSION
                + ")")
        .contains("remove it from java.library.path");
  }

  @Test
  void theSameLibraryOnTheLibraryPathIsUsed(@TempDir Path tmp) throws Exception {
    assumeTrue(NativeLibrary.supported(NativeLibrary.platform()), "no library for this platform");
    Path dir = Files.createDirectories(tmp.resolve("lib"));
    Files.write(dir.resolve("libobs_ebpf.so"), Feature.readResource(NativeLibrary.resourcePath()));

    KernelTestSupport.ChildResult r =
        KernelTestSupport.runJava(
            List.of(),
            List.of("-Djava.library.path=" + dir, "-Djava.io.tmpdir=" + tmp),
            System.getProperty("java.class.path"),
            NativeLoadMain.class,
            "-",
            tmp.toString());

    assertThat(r.output())
        .as(r.output())
        .contains("available=true")
        .contains("describe=loaded")
        .contains("left in " + tmp + "=[lib]");
  }

  private static boolean isRoot() throws IOException {
    return Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t");
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }
}
