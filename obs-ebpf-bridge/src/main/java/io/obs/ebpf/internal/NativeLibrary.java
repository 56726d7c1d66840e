// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs.
 *
 * <p>Loads {@code libobs_ebpf.so} once: from {@code java.library.path} first, then extracted from
 * {@code META-INF/native/<os>-<arch>/} of the jar into a temporary file. The outcome is recorded
 * once; later calls only read it.
 */
public final class NativeLibrary {
  static final String NAME = "obs_ebpf";

  private static final @Nullable Throwable UNAVAILABILITY_CAUSE = load();

  private NativeLibrary() {}

  /** Whether the library is loaded and its JNI functions can be called. */
  public static boolean isAvailable() {
    return UNAVAILABILITY_CAUSE == null;
  }

  /** Why the library is not loaded, or null when it is. */
  public static @Nullable Throwable unavailabilityCause() {
    return UNAVAILABILITY_CAUSE;
  }

  /** Throws the recorded cause when the library is not loaded. */
  public static void ensureAvailability() {
    if (UNAVAILABILITY_CAUSE != null) {
      throw (Error)
          new UnsatisfiedLinkError("lib" + NAME + ".so is not available: " + describe())
              .initCause(UNAVAILABILITY_CAUSE);
    }
  }

  /** One-line reason for logs and readiness details; "loaded" when available. */
  public static String describe() {
    Throwable cause = UNAVAILABILITY_CAUSE;
    return cause == null ? "loaded" : String.valueOf(cause.getMessage());
  }

  /** {@code linux-x86_64} style directory name for the running platform. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osPart = os.startsWith("linux") ? "linux" : os.replace(' ', '_');
    String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
    return osPart + "-" + archPart;
  }

  static String resourcePath() {
    return "META-INF/native/" + platform() + "/lib" + NAME + ".so";
  }

  private static @Nullable Throwable load() {
    if (!platform().equals("linux-x86_64")) {
      return new UnsupportedOperationException(
          "eBPF needs linux-x86_64, this JVM runs on " + platform());
    }
    UnsatisfiedLinkError fromPath;
    try {
      System.loadLibrary(NAME);
      return verify();
    } catch (UnsatisfiedLinkError e) {
      fromPath = e;
    }
    try {
      loadFromJar();
      return verify();
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      e.addSuppressed(fromPath);
      return e;
    }
  }

  private static void loadFromJar() throws IOException {
    String resource = resourcePath();
    ClassLoader loader = NativeLibrary.class.getClassLoader();
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(
            "native library not built: "
                + resource
                + " is not on the classpath (the jar was built without gcc and libbpf-dev)");
      }
      Path file = createPrivateFile();
      try {
        // Into the file just created (not Files.copy with REPLACE_EXISTING, which would delete
        // it and create another without the exclusive, owner-only creation).
        try (OutputStream out = Files.newOutputStream(file)) {
          in.transferTo(out);
        }
        System.load(file.toAbsolutePath().toString());
      } finally {
        // The mapping stays valid after unlink; nothing is left in the temp directory.
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * A new file only this user can read, in {@code java.io.tmpdir}. Not {@code
   * Files.createTempFile}: its random name comes from {@code SecureRandom}, whose initialisation
   * loads the JDK's security providers (tens of milliseconds and a few hundred KB of heap at
   * start-up). A name made of the pid and the clock is enough, because the file is created
   * exclusively (O_EXCL, so never through an existing file or symlink) and removed at once.
   */
  private static Path createPrivateFile() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
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

  /** A library of the same name but another ABI fails here rather than at first use. */
  private static @Nullable Throwable verify() {
    try {
      NativeBpf.libbpfVersion();
      return null;
    } catch (UnsatisfiedLinkError e) {
      return e;
    }
  }
}
