// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every auto-configuration obs leaves out, or orders itself before, is named by string for both
 * Boot lines; under the line these tests run on, each of that line's names must exist, or Boot's
 * pipeline would run beside obs's without a word.
 */
class BootLineNamesIT {

  private static Set<String> autoConfigurations() throws IOException {
    Set<String> names = new HashSet<>();
    for (URL url : Collections.list(BootLineNamesIT.class.getClassLoader().getResources(
        "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))) {
      try (InputStream in = url.openStream()) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank() && !line.startsWith("#")) {
            names.add(line.trim());
          }
        }
      }
    }
    // Boot 4's telemetry modules the test applications do not have (their own auto-configuration
    // would otherwise be the only place the names could be found).
    String modules = System.getProperty("obs.boot.modules");
    if (modules != null) {
      try (var jars = java.nio.file.Files.list(java.nio.file.Path.of(modules))) {
        for (java.nio.file.Path jar : jars.toList()) {
          try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            var entry = file.getEntry(
                "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
            if (entry != null) {
              try (InputStream in = file.getInputStream(entry)) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .split("\n")) {
                  if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.trim());
                  }
                }
              }
            }
          }
        }
      }
    }
    return names;
  }

  @Test
  void thisLinesNamesAllExist() throws IOException {
    Set<String> present = autoConfigurations();
    Set<String> found = new TreeSet<>();
    for (Set<String> listed : java.util.List.of(ObsAutoConfigurationFilter.REPLACED,
        ObsAutoConfigurationFilter.HTTP_OBSERVATIONS)) {
      for (String name : listed) {
        if (present.contains(name)) {
          found.add(name);
        }
      }
    }
    // Boot 3.5: 10 replaced and 3 HTTP observations; Boot 4.0: 10 and 5.
    int expected = System.getProperty("obs.boot.line").equals("3") ? 13 : 15;
    assertThat(found).hasSize(expected);
    String[] before = ObsAutoConfiguration.class
        .getAnnotation(org.springframework.boot.autoconfigure.AutoConfiguration.class).beforeName();
    assertThat(java.util.Arrays.stream(before).filter(present::contains).count())
        .isEqualTo(System.getProperty("obs.boot.line").equals("3") ? 8 : 7);
  }
}
