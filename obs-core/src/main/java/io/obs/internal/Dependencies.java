// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Checks that a library obs calls is not older than the
 * version obs is built and tested with, before obs calls it. Frameworks pin their own versions
 * (Spring Boot 3.5 manages OpenTelemetry 1.49, Micrometer 1.15), and an older library fails deep
 * inside obs with a {@link NoClassDefFoundError} that names neither the artifact nor the fix; this
 * says both.
 */
public final class Dependencies {

  /** What obs is built with, by library: {@code opentelemetry}, {@code micrometer}, ... */
  private static final class Built {
    static final Properties VERSIONS = load();

    private static Properties load() {
      Properties versions = new Properties();
      try (InputStream in = Dependencies.class.getResourceAsStream("dependencies.properties")) {
        if (in != null) {
          versions.load(in);
        }
      } catch (IOException e) {
        // An unreadable resource in obs's own jar: skip the checks rather than fail start-up.
      }
      return versions;
    }
  }

  private Dependencies() {}

  /** The version of {@code library} obs is built with, or empty when unknown. */
  public static Optional<String> built(String library) {
    return Optional.ofNullable(Built.VERSIONS.getProperty(library));
  }

  /**
   * Checks one artifact: {@code probeClass} is a class of it, {@code library} names its line in
   * obs's build ({@code opentelemetry}, {@code micrometer}, {@code prometheus-metrics}, {@code
   * logback}) and {@code versionProperty} is the Maven property Spring Boot's parent uses for it.
   * Returns a message for the application's log when the artifact is older than obs's, and empty
   * when it is recent enough, absent (the module using it reports that itself) or of unknown
   * version (a shaded or repackaged copy).
   */
  public static Optional<String> tooOld(
      String artifact, String probeClass, String library, String versionProperty) {
    String minimum = Built.VERSIONS.getProperty(library);
    if (minimum == null) {
      return Optional.empty();
    }
    Class<?> probe;
    try {
      probe = Class.forName(probeClass, false, Dependencies.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
    String found = versionOf(probe);
    if (found == null || compare(found, minimum) >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        artifact
            + " "
            + found
            + " is on the class path"
            + where(probe)
            + ", but obs needs "
            + minimum
            + " or later. Usually a framework's dependency management chose it (Spring Boot 3.5"
            + " and 4.0 pin older OpenTelemetry and Micrometer lines). Fix: import io.obs:obs-bom"
            + " in <dependencyManagement> before spring-boot-dependencies or any other BOM (with"
            + " spring-boot-starter-parent as the parent, importing obs-bom is enough); or set <"
            + versionProperty
            + ">"
            + minimum
            + "</"
            + versionProperty
            + ">; in Gradle, use enforcedPlatform(\"io.obs:obs-bom:<version>\")");
  }

  /**
   * The artifact version of the jar that holds {@code probe}: its package's {@code
   * Implementation-Version} (read with the jar's manifest when the class was defined, so free),
   * else the {@code version.properties} next to OpenTelemetry's classes, else the manifest's {@code
   * Bundle-Version} (the Prometheus client has only that); {@code null} when none says. The cheap
   * answer comes first: this runs inside {@code init()}, and a resource looked up by name is
   * searched for in every jar of the class path.
   */
  static @Nullable String versionOf(Class<?> probe) {
    Package pkg = probe.getPackage();
    if (pkg != null && pkg.getImplementationVersion() != null) {
      return pkg.getImplementationVersion();
    }
    // Only OpenTelemetry ships one; for any other class the lookup would search every jar.
    try (InputStream in = probe.getName().startsWith("io.opentelemetry.")
        ? probe.getResourceAsStream("version.properties")
        : null) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("sdk.version");
        if (version != null) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through to the manifest
    }
    Path jar = jarOf(probe);
    if (jar == null) {
      return null;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      if (manifest == null) {
        return null;
      }
      Attributes attributes = manifest.getMainAttributes();
      String version = attributes.getValue("Implementation-Version");
      return version != null ? version : attributes.getValue("Bundle-Version");
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private static @Nullable Path jarOf(Class<?> probe) {
    try {
      CodeSource source = probe.getProtectionDomain().getCodeSource();
      URL location = source == null ? null : source.getLocation();
      if (location == null || !location.getPath().endsWith(".jar")) {
        return null;
      }
      return Path.of(location.toURI());
    } catch (SecurityException | java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String where(Class<?> probe) {
    Path jar = jarOf(probe);
    return jar == null ? "" : " (" + jar.getFileName() + ")";
  }

  /**
   * Compares dotted versions numerically, part by part ({@code 1.9 < 1.10}); a part's trailing
   * qualifier ({@code 0-alpha}, {@code 2.RELEASE}) is ignored.
   */
  static int compare(String left, String right) {
    String[] a = left.split("\\.");
    String[] b = right.split("\\.");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      long x = i < a.length ? leadingNumber(a[i]) : 0;
      long y = i < b.length ? leadingNumber(b[i]) : 0;
      if (x != y) {
        return Long.compare(x, y);
      }
    }
    return 0;
  }

  private static long leadingNumber(String part) {
    long value = 0;
    for (int i = 0; i < part.length() && i < 18; i++) {
      char c = part.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
