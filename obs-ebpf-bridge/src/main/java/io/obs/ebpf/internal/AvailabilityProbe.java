// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Checks, without loading anything into the kernel, whether this JVM can run the bridge, and
 * says exactly why not. Program load and attach results are added later by {@link KernelSession}.
 */
public final class AvailabilityProbe {
  static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");

  /** One check and what it found. */
  public record Check(String name, boolean passed, String detail) {
    @Override
    public String toString() {
      return name + ": " + detail;
    }
  }

  /** The outcome of all checks. */
  public record Availability(List<Check> checks) {
    public Availability {
      checks = List.copyOf(checks);
    }

    public boolean isAvailable() {
      return checks.stream().allMatch(Check::passed);
    }

    /** The failed checks, {@code "; "}-joined, or "available". */
    public String reason() {
      String failed =
          checks.stream()
              .filter(c -> !c.passed())
              .map(Check::toString)
              .collect(Collectors.joining("; "));
      return failed.isEmpty() ? "available" : failed;
    }
  }

  /** What the probe reads, replaceable in tests. */
  public interface Environment {
    String osName();

    String osArch();

    /** {@code /proc/sys/kernel/osrelease}, or null when unreadable. */
    @Nullable
    String kernelRelease();

    boolean btfPresent();

    /** {@code /proc/self/status}, or null when unreadable. */
    @Nullable
    String procSelfStatus();

    boolean nativeLibraryLoaded();

    String nativeLibraryDescription();
  }

  private AvailabilityProbe() {}

  public static Availability probe() {
    return probe(SYSTEM);
  }

  public static Availability probe(Environment env) {
    List<Check> checks = new ArrayList<>();
    String os = env.osName();
    String arch = env.osArch();
    boolean linux = os.toLowerCase(Locale.ROOT).startsWith("linux");
    boolean shipped = NativeLibrary.supported(NativeLibrary.platform(os, arch));
    checks.add(
        new Check(
            "os",
            linux && shipped,
            linux && shipped
                ? os + " " + arch
                : "eBPF needs Linux on x86_64 or aarch64, this JVM runs on " + os + " " + arch));
    if (!linux) {
      // The rest reads Linux-only files; their failures would only repeat this one.
      return new Availability(checks);
    }

    String release = env.kernelRelease();
    Optional<KernelVersion> version =
        release == null ? Optional.empty() : KernelVersion.parse(release);
    if (version.isEmpty()) {
      checks.add(new Check("kernel", false, "cannot read the kernel release: " + release));
    } else if (version.get().compareTo(KernelVersion.MINIMUM) < 0) {
      checks.add(
          new Check(
              "kernel",
              false,
              release
                  + " is older than "
                  + KernelVersion.MINIMUM
                  + " (BTF tracepoints, ring buffer and socket cookies in tracing programs)"));
    } else {
      checks.add(new Check("kernel", true, release));
    }

    checks.add(
        env.btfPresent()
            ? new Check("btf", true, BTF + " present")
            : new Check(
                "btf",
                false,
                BTF + " missing (kernel built without CONFIG_DEBUG_INFO_BTF; CO-RE cannot relocate)"));

    String status = env.procSelfStatus();
    OptionalLong capEff = status == null ? OptionalLong.empty() : Capabilities.effective(status);
    if (capEff.isEmpty()) {
      checks.add(new Check("privileges", false, "cannot read CapEff from /proc/self/status"));
    } else {
      long mask = capEff.getAsLong();
      String hex = String.format("%016x", mask);
      if (Capabilities.canTrace(mask)) {
        checks.add(new Check("privileges", true, "CapEff=" + hex + " allows BPF tracing"));
      } else {
        List<String> missing = new ArrayList<>();
        if (!Capabilities.has(mask, Capabilities.CAP_BPF)) {
          missing.add("CAP_BPF");
        }
        if (!Capabilities.has(mask, Capabilities.CAP_PERFMON)) {
          missing.add("CAP_PERFMON");
        }
        checks.add(
            new Check(
                "privileges",
                false,
                "CapEff="
                    + hex
                    + " lacks "
                    + String.join(" and ", missing)
                    + " (run as root, or grant CAP_BPF and CAP_PERFMON; CAP_SYS_ADMIN also works)"));
      }
    }

    checks.add(
        new Check(
            "native library", env.nativeLibraryLoaded(), env.nativeLibraryDescription()));
    return new Availability(checks);
  }

  static final Environment SYSTEM =
      new Environment() {
        @Override
        public String osName() {
          return System.getProperty("os.name", "unknown");
        }

        @Override
        public String osArch() {
          return System.getProperty("os.arch", "unknown");
        }

        @Override
        public @Nullable String kernelRelease() {
          String text = read(Path.of("/proc/sys/kernel/osrelease"));
          return text == null ? null : text.trim();
        }

        @Override
        public boolean btfPresent() {
          return Files.isReadable(BTF);
        }

        @Override
        public @Nullable String procSelfStatus() {
          return read(Path.of("/proc/self/status"));
        }

        @Override
        public boolean nativeLibraryLoaded() {
          return NativeLibrary.isAvailable();
        }

        @Override
        public String nativeLibraryDescription() {
          if (!NativeLibrary.isAvailable()) {
            return NativeLibrary.describe();
          }
          return "libobs_ebpf loaded (libbpf " + NativeBpf.libbpfVersion() + ")";
        }

        private @Nullable String read(Path path) {
          try {
            return Files.readString(path, StandardCharsets.UTF_8);
          } catch (IOException | SecurityException e) {
            return null;
          }
        }
      };
}
