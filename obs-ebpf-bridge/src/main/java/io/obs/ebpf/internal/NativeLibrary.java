// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Loads {@code libobs_ebpf.so} once per class loader: from {@code java.library.path} first,
 * then extracted from {@code META-INF/native/<os>-<arch>/} of the jar into the work directory
 * ({@code ebpf.native.workdir}, else {@code java.io.tmpdir}), loaded and deleted at once, so
 * nothing stays on disk. The outcome is recorded once; later calls only read it. Failures say
 * what to do: a work directory on a {@code noexec} mount, or a library of another obs version on
 * {@code java.library.path}.
 */
public final class NativeLibrary {
  static final String NAME = "obs_ebpf";

  private static volatile @Nullable Path workDir;

  private NativeLibrary() {}

  /** Computed on first use, with the work directory set by then. */
  private static final class Outcome {
    static final @Nullable Throwable CAUSE = load();
  }

  /**
   * Where the library is extracted when it is not on {@code java.library.path}; null for {@code
   * java.io.tmpdir}. Only the first load in the class loader uses it (the bridge sets it from
   * {@code ebpf.native.workdir} before probing).
   */
  public static void setWorkDir(@Nullable Path dir) {
    workDir = dir;
  }

  /** Whether the library is loaded and its JNI functions can be called. */
  public static boolean isAvailable() {
    return Outcome.CAUSE == null;
  }

  /** Why the library is not loaded, or null when it is. */
  public static @Nullable Throwable unavailabilityCause() {
    return Outcome.CAUSE;
  }

  /** Throws the recorded cause when the library is not loaded. */
  public static void ensureAvailability() {
    Throwable cause = Outcome.CAUSE;
    if (cause != null) {
      throw (Error)
          new UnsatisfiedLinkError("lib" + NAME + ".so is not available: " + describe())
              .initCause(cause);
    }
  }

  /** One-line reason for logs and readiness details; "loaded" when available. */
  public static String describe() {
    Throwable cause = Outcome.CAUSE;
    return cause == null ? "loaded" : String.valueOf(cause.getMessage());
  }

  /** {@code linux-x86_64} style directory name for the running platform. */
  static String platform() {
    return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    String osPart = os.startsWith("linux") ? "linux" : os.replace(' ', '_');
    String archPart =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> arch;
        };
    return osPart + "-" + archPart;
  }

  /** Whether a library is shipped for the platform. */
  static boolean supported(String platform) {
    return platform.equals("linux-x86_64") || platform.equals("linux-aarch64");
  }

  static String resourcePath() {
    return "META-INF/native/" + platform() + "/lib" + NAME + ".so";
  }

  private static @Nullable Throwable load() {
    if (!supported(platform())) {
      return new UnsupportedOperationException(
          "eBPF needs linux-x86_64 or linux-aarch64, this JVM runs on " + platform());
    }
    UnsatisfiedLinkError fromPath;
    try {
      System.loadLibrary(NAME);
      return verify("lib" + NAME + ".so from java.library.path" + foundOnLibraryPath());
    } catch (UnsatisfiedLinkError e) {
      // Usually "no obs_ebpf in java.library.path"; also "already loaded in another
      // classloader" when a second copy of obs in this JVM (another web application) found the
      // same file: then this copy extracts its own file, which loads independently.
      fromPath = e;
    }
    Path dir = workDir;
    if (dir == null) {
      dir = Path.of(System.getProperty("java.io.tmpdir"));
    }
    try {
      loadFromJar(dir);
      return verify("lib" + NAME + ".so extracted from the obs-ebpf-bridge jar");
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      e.addSuppressed(fromPath);
      return e;
    }
  }

  private static void loadFromJar(Path dir) throws IOException {
    String resource = resourcePath();
    ClassLoader loader = NativeLibrary.class.getClassLoader();
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(
            resource + " is not on the classpath (a repackaged obs-ebpf-bridge jar without it)");
      }
      Path file;
      try {
        Files.createDirectories(dir);
        file = createPrivateFile(dir);
      } catch (IOException e) {
        // An AccessDeniedException's message is only the path: say what was tried and the fix.
        throw new IOException(
            "cannot extract lib"
                + NAME
                + ".so into "
                + dir
                + " ("
                + e
                + "): set ebpf.native.workdir (-Dobs.ebpf.native.workdir,"
                + " OBS_EBPF_NATIVE_WORKDIR) to a directory this user can write",
            e);
      }
      try {
        // Into the file just created (not Files.copy with REPLACE_EXISTING, which would delete
        // it and create another without the exclusive, owner-only creation).
        try (OutputStream out = Files.newOutputStream(file)) {
          in.transferTo(out);
        }
        try {
          System.load(file.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
          throw noexecHint(e, dir);
        }
      } finally {
        // The mapping stays valid after unlink; nothing is left in the work directory.
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * The dynamic loader maps the library executable; on a {@code noexec} mount that fails with
   * "failed to map segment from shared object", which alone does not tell a user what to change.
   */
  private static UnsatisfiedLinkError noexecHint(UnsatisfiedLinkError e, Path dir) {
    String mountinfo;
    try {
      mountinfo = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
    } catch (IOException | SecurityException unreadable) {
      mountinfo = "";
    }
    boolean noexec = isNoexec(dir, mountinfo);
    if (!noexec && !String.valueOf(e.getMessage()).contains("failed to map segment")) {
      return e;
    }
    UnsatisfiedLinkError hinted =
        new UnsatisfiedLinkError(
            e.getMessage()
                + " ("
                + dir
                + (noexec ? " is on a filesystem mounted noexec" : " may be on a noexec mount")
                + ": set ebpf.native.workdir (-Dobs.ebpf.native.workdir, OBS_EBPF_NATIVE_WORKDIR)"
                + " to a directory on a filesystem that allows executables, or put lib"
                + NAME
                + ".so on java.library.path)");
    hinted.initCause(e);
    return hinted;
  }

  /**
   * Whether {@code dir} lies on a mount with the {@code noexec} option, from {@code
   * /proc/self/mountinfo} text: the mount with the longest mount point containing the directory.
   */
  static boolean isNoexec(Path dir, String mountinfo) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException | SecurityException e) {
      real = dir.toAbsolutePath().normalize();
    }
    String best = null;
    boolean bestNoexec = false;
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      if (f.length < 6) {
        continue;
      }
      // Field 5 is the mount point (octal escapes for blanks), field 6 the per-mount options.
      String mountPoint = unescape(f[4]);
      if (real.startsWith(mountPoint) && (best == null || mountPoint.length() >= best.length())) {
        best = mountPoint;
        bestNoexec = (',' + f[5] + ',').contains(",noexec,");
      }
    }
    return bestNoexec;
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  /**
   * A new file only this user can read, in {@code dir}. Not {@code Files.createTempFile}: its
   * random name comes from {@code SecureRandom}, whose initialisation loads the JDK's security
   * providers (tens of milliseconds and a few hundred KB of heap at start-up). A name made of the
   * pid and the clock is enough, because the file is created exclusively (O_EXCL, so never
   * through an existing file or symlink) and removed at once.
   */
  private static Path createPrivateFile(Path dir) throws IOException {
    long pid = ProcessHandle.current().pid();
    IOException failure = new IOException("cannot create a file for lib" + NAME + ".so in " + dir);
    for (int attempt = 0; attempt < 16; attempt++) {
      Path file =
          dir.resolve("lib" + NAME + "-" + pid + "-" + Long.toHexString(System.nanoTime()) + ".so");
      try {
        return Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        failure.addSuppressed(e);
      }
    }
    throw failure;
  }

  /** The first {@code java.library.path} entry holding the library, for messages. */
  private static String foundOnLibraryPath() {
    String file = System.mapLibraryName(NAME);
    for (String dir :
        Objects.requireNonNullElse(System.getProperty("java.library.path"), "")
            .split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, file))) {
        return " (" + Path.of(dir, file) + ")";
      }
    }
    return "";
  }

  /**
   * A library built from other sources (another obs version on {@code java.library.path}) fails
   * here with what to do, rather than at first use. The JVM binds native methods to the first
   * loaded library that has them, so the jar's copy cannot be loaded over it.
   */
  private static @Nullable Throwable verify(String origin) {
    int version;
    try {
      version = NativeBpf.interfaceVersion();
    } catch (UnsatisfiedLinkError e) {
      version = -1;
    }
    if (version == NativeBpf.INTERFACE_VERSION) {
      return null;
    }
    return new UnsatisfiedLinkError(
        origin
            + " is a different version (interface "
            + (version < 0 ? "unknown" : String.valueOf(version))
            + ", this obs-ebpf-bridge needs "
            + NativeBpf.INTERFACE_VERSION
            + ") and is already loaded in this JVM: remove it from java.library.path so the copy"
            + " in the jar is used");
  }
}
