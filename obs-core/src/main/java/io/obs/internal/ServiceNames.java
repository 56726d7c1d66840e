// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Internal: not for use outside obs. Derives a service name when nobody configured one. */
final class ServiceNames {

  /** OpenTelemetry's name for a service nobody named. */
  static final String UNKNOWN = "unknown_service:java";

  /** Compiled on first use: only a jar-launched application needs it, once. */
  private static final class VersionSuffix {
    static final Pattern PATTERN = Pattern.compile("-\\d+(\\.\\d+)*([.-].*)?$");
  }

  private ServiceNames() {}

  record Derived(String name, String origin) {}

  /**
   * From {@code sun.java.command}: a jar's file name without version ({@code shop-1.2.jar} is
   * {@code shop}), or the main class's simple name in kebab case ({@code OrderService} is {@code
   * order-service}).
   */
  static Derived derive(Map<String, String> systemProperties) {
    String command = systemProperties.getOrDefault("sun.java.command", "").trim();
    if (command.isEmpty()) {
      return new Derived(UNKNOWN, "nothing (no main class known)");
    }
    // By hand, not split("\\s+"): a regex costs its classes in every cold start.
    int end = 0;
    while (end < command.length() && !Character.isWhitespace(command.charAt(end))) {
      end++;
    }
    String first = command.substring(0, end);
    if (first.endsWith(".jar")) {
      String file = Path.of(first).getFileName().toString();
      String base = file.substring(0, file.length() - ".jar".length());
      String name = VersionSuffix.PATTERN.matcher(base).replaceFirst("");
      return new Derived(name.isEmpty() ? base : name, "the jar " + file);
    }
    String simple = first.substring(first.lastIndexOf('.') + 1);
    if (simple.isEmpty() || !Character.isJavaIdentifierStart(simple.charAt(0))) {
      return new Derived(UNKNOWN, "nothing (main class unreadable)");
    }
    return new Derived(kebab(simple), "the main class " + first);
  }

  /** The main jar, when the JVM runs one ({@code java -jar app.jar}). */
  static @Nullable Path mainJar(Map<String, String> systemProperties) {
    String command = systemProperties.getOrDefault("sun.java.command", "").trim();
    String first = command.isEmpty() ? "" : command.split("\\s+", 2)[0];
    if (!first.endsWith(".jar") || !Files.isRegularFile(Path.of(first))) {
      return null;
    }
    return Path.of(first);
  }

  /** The {@code Implementation-Version} of the main jar, when the JVM runs one. */
  static @Nullable String mainJarVersion(Map<String, String> systemProperties) {
    Path main = mainJar(systemProperties);
    if (main == null) {
      return null;
    }
    try (JarFile jar = new JarFile(main.toFile())) {
      return jar.getManifest() == null
          ? null
          : jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    } catch (IOException e) {
      return null;
    }
  }

  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        boolean previousLower = i > 0 && !Character.isUpperCase(camel.charAt(i - 1));
        boolean nextLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
        if (i > 0 && (previousLower || nextLower) && out.charAt(out.length() - 1) != '-') {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else if (c == '$' || c == '_') {
        out.append('-');
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
